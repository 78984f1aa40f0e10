#include "util/stats.h"

#include "util/err.h"

static const char *const drop_names[LB_DROP__COUNT] = {
	[LB_DROP_LINK_UNSUPPORTED] = "link_unsupported",
	[LB_DROP_LINK_TRUNCATED] = "link_truncated",
	[LB_DROP_NO_TIME] = "frame_no_time",
	[LB_DROP_NOT_IP] = "not_ip",
	[LB_DROP_IP_BAD] = "ip_bad_header",
	[LB_DROP_IP_TRUNCATED] = "ip_truncated",
	[LB_DROP_FRAG_BAD] = "frag_bad",
	[LB_DROP_FRAG_TIMEOUT] = "frag_incomplete",
	[LB_DROP_FRAG_LIMIT] = "frag_memory_limit",
	[LB_DROP_TUNNEL_DEPTH] = "tunnel_too_deep",
	[LB_DROP_TUNNEL_BAD] = "tunnel_bad_header",
	[LB_DROP_NOT_TRANSPORT] = "not_udp_tcp",
	[LB_DROP_UDP_BAD] = "udp_bad_length",
	[LB_DROP_NOT_DNS_PORT] = "not_dns_port",
	[LB_DROP_TCP_BAD] = "tcp_bad_header",
	[LB_DROP_TCP_GAP] = "tcp_gap",
	[LB_DROP_TCP_LIMIT] = "tcp_memory_limit",
	[LB_DROP_TCP_JUNK] = "tcp_junk",
	[LB_DROP_DNS_TRUNCATED] = "dns_truncated",
	[LB_DROP_DNS_BAD_POINTER] = "dns_bad_pointer",
	[LB_DROP_DNS_BAD_LABEL] = "dns_bad_label",
	[LB_DROP_DNS_NAME_TOO_LONG] = "dns_name_too_long",
	[LB_DROP_DNS_BAD_RDATA] = "dns_bad_rdata",
	[LB_DROP_DNS_NOT_DNS] = "dns_not_dns",
	[LB_DROP_DNS_LIMIT] = "dns_too_many_records",
	[LB_DROP_DNS_TRAILING] = "dns_trailing_bytes",
	[LB_DROP_DNS_BAD_RECORD] = "dns_bad_record",
	[LB_DROP_DNS_OTHER] = "dns_other",
	[LB_DROP_IXFR_CHANGES] = "ixfr_changes",
	[LB_DROP_SCTP_BAD] = "sctp_bad",
	[LB_DROP_SCTP_INCOMPLETE] = "sctp_incomplete",
};

const char *lb_drop_name(enum lb_drop d)
{
	if ((unsigned)d >= LB_DROP__COUNT)
		return "unknown";
	return drop_names[d];
}

enum lb_drop lb_drop_from_dns_err(int err)
{
	switch (err) {
	case LB_ETRUNC: return LB_DROP_DNS_TRUNCATED;
	case LB_EPTR: return LB_DROP_DNS_BAD_POINTER;
	case LB_ELABEL: return LB_DROP_DNS_BAD_LABEL;
	case LB_ENAMELEN: return LB_DROP_DNS_NAME_TOO_LONG;
	case LB_ERDATA: return LB_DROP_DNS_BAD_RDATA;
	case LB_ENOTDNS: return LB_DROP_DNS_NOT_DNS;
	case LB_ELIMIT: return LB_DROP_DNS_LIMIT;
	case LB_ETRAILING: return LB_DROP_DNS_TRAILING;
	default: return LB_DROP_DNS_OTHER;
	}
}

void lb_stats_add(lb_stats_t *dst, const lb_stats_t *src)
{
	dst->packets += src->packets;
	dst->bytes += src->bytes;
	dst->ip_fragments += src->ip_fragments;
	dst->ip_reassembled += src->ip_reassembled;
	dst->capwap_fragments += src->capwap_fragments;
	dst->capwap_reassembled += src->capwap_reassembled;
	dst->tunnels += src->tunnels;
	dst->udp_dns += src->udp_dns;
	dst->udp_port_guess += src->udp_port_guess;
	dst->tcp_segments += src->tcp_segments;
	dst->tcp_dns += src->tcp_dns;
	dst->sctp_packets += src->sctp_packets;
	dst->sctp_dns += src->sctp_dns;
	dst->dns_messages += src->dns_messages;
	dst->dns_queries += src->dns_queries;
	dst->dns_responses += src->dns_responses;
	dst->dns_partial += src->dns_partial;
	dst->rrsets += src->rrsets;
	dst->rrs += src->rrs;
	dst->negatives += src->negatives;
	for (int i = 0; i < LB_DROP__COUNT; i++)
		dst->drops[i] += src->drops[i];
}

uint64_t lb_stats_drops(const lb_stats_t *s)
{
	uint64_t t = 0;
	for (int i = 0; i < LB_DROP__COUNT; i++)
		t += s->drops[i];
	return t;
}

void lb_stats_print(const lb_stats_t *s, FILE *out)
{
	fprintf(out, "packets %llu\n", (unsigned long long)s->packets);
	fprintf(out, "bytes %llu\n", (unsigned long long)s->bytes);
	fprintf(out, "ip_fragments %llu\n", (unsigned long long)s->ip_fragments);
	fprintf(out, "ip_reassembled %llu\n", (unsigned long long)s->ip_reassembled);
	fprintf(out, "capwap_fragments %llu\n", (unsigned long long)s->capwap_fragments);
	fprintf(out, "capwap_reassembled %llu\n", (unsigned long long)s->capwap_reassembled);
	fprintf(out, "tunnelled %llu\n", (unsigned long long)s->tunnels);
	fprintf(out, "udp_dns %llu\n", (unsigned long long)s->udp_dns);
	fprintf(out, "udp_port_guess %llu\n", (unsigned long long)s->udp_port_guess);
	fprintf(out, "tcp_segments %llu\n", (unsigned long long)s->tcp_segments);
	fprintf(out, "tcp_dns %llu\n", (unsigned long long)s->tcp_dns);
	fprintf(out, "sctp_packets %llu\n", (unsigned long long)s->sctp_packets);
	fprintf(out, "sctp_dns %llu\n", (unsigned long long)s->sctp_dns);
	fprintf(out, "dns_messages %llu\n", (unsigned long long)s->dns_messages);
	fprintf(out, "dns_queries %llu\n", (unsigned long long)s->dns_queries);
	fprintf(out, "dns_responses %llu\n", (unsigned long long)s->dns_responses);
	fprintf(out, "dns_partial %llu\n", (unsigned long long)s->dns_partial);
	fprintf(out, "rrsets %llu\n", (unsigned long long)s->rrsets);
	fprintf(out, "rrs %llu\n", (unsigned long long)s->rrs);
	fprintf(out, "negatives %llu\n", (unsigned long long)s->negatives);
	fprintf(out, "drops %llu\n", (unsigned long long)lb_stats_drops(s));
	for (int i = 0; i < LB_DROP__COUNT; i++)
		if (s->drops[i])
			fprintf(out, "drop.%s %llu\n", drop_names[i], (unsigned long long)s->drops[i]);
}
