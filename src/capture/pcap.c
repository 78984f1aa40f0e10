/*
 * pcap.c - libpcap driver: files (pcap and pcapng, "-" = stdin) and live
 * interfaces, frames handed to lb_decoder_frame().
 */
#include "capture/pcap.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lb_pcap {
	pcap_t *h;
	bool live;
};

static void set_err(char *errbuf, const char *msg)
{
	snprintf(errbuf, 256, "%s", msg);
}

lb_pcap_t *lb_pcap_open_file(const char *path, char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	lb_pcap_t *p = calloc(1, sizeof(*p));
	if (!p) {
		set_err(errbuf, "out of memory");
		return NULL;
	}
	p->h = pcap_open_offline(path, pe);
	if (!p->h) {
		set_err(errbuf, pe);
		free(p);
		return NULL;
	}
	return p;
}

lb_pcap_t *lb_pcap_open_live(const char *ifname, const char *bpf, int snaplen, bool promisc,
			     char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	lb_pcap_t *p = calloc(1, sizeof(*p));
	if (!p) {
		set_err(errbuf, "out of memory");
		return NULL;
	}
	p->live = true;
	p->h = pcap_create(ifname, pe);
	if (!p->h) {
		set_err(errbuf, pe);
		goto fail;
	}
	if (pcap_set_snaplen(p->h, snaplen > 0 ? snaplen : 65535) != 0 ||
	    pcap_set_promisc(p->h, promisc ? 1 : 0) != 0 || pcap_set_timeout(p->h, 100) != 0 ||
	    pcap_set_immediate_mode(p->h, 1) != 0) {
		set_err(errbuf, pcap_geterr(p->h));
		goto fail;
	}
	int rc = pcap_activate(p->h);
	if (rc < 0) {
		snprintf(errbuf, 256, "%s: %s", ifname,
			 rc == PCAP_ERROR ? pcap_geterr(p->h) : pcap_statustostr(rc));
		goto fail;
	}
	if (bpf && lb_pcap_set_filter(p, bpf, errbuf) != 0)
		goto fail;
	return p;
fail:
	lb_pcap_close(p);
	return NULL;
}

int lb_pcap_set_filter(lb_pcap_t *p, const char *bpf, char *errbuf)
{
	struct bpf_program prog;
	if (pcap_compile(p->h, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(errbuf, 256, "filter \"%s\": %s", bpf, pcap_geterr(p->h));
		return LB_EINVAL;
	}
	int rc = pcap_setfilter(p->h, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(errbuf, 256, "filter \"%s\": %s", bpf, pcap_geterr(p->h));
		return LB_EINVAL;
	}
	return 0;
}

int lb_pcap_linktype(const lb_pcap_t *p)
{
	return pcap_datalink(p->h);
}

int lb_pcap_run(lb_pcap_t *p, lb_decoder_t *d, volatile sig_atomic_t *stop, char *errbuf)
{
	int lt = pcap_datalink(p->h);
	for (;;) {
		if (stop && *stop)
			return 0;
		struct pcap_pkthdr *hdr;
		const u_char *data;
		int rc = pcap_next_ex(p->h, &hdr, &data);
		if (rc == 1) {
			lb_decoder_frame(d, lt, &hdr->ts, data, hdr->caplen, hdr->len);
		} else if (rc == 0) {
			continue; /* live timeout: look at *stop again */
		} else if (rc == PCAP_ERROR_BREAK) {
			if (!p->live) {
				/* end of file: flush everything still buffered */
				struct timeval far = { .tv_sec = (time_t)1 << 40, .tv_usec = 0 };
				lb_decoder_expire(d, &far);
			}
			return 0;
		} else {
			set_err(errbuf, pcap_geterr(p->h));
			return LB_EIO;
		}
	}
}

void lb_pcap_kernel_stats(lb_pcap_t *p, uint64_t *recv, uint64_t *drop, uint64_t *ifdrop)
{
	struct pcap_stat ps;
	*recv = *drop = *ifdrop = 0;
	if (!p || !p->live || pcap_stats(p->h, &ps) != 0)
		return;
	*recv = ps.ps_recv;
	*drop = ps.ps_drop;
	*ifdrop = ps.ps_ifdrop;
}

void lb_pcap_close(lb_pcap_t *p)
{
	if (!p)
		return;
	if (p->h)
		pcap_close(p->h);
	free(p);
}
