/* test_rdata.c - every rdata type round trip text -> wire -> text, canonical
 * form of compressed rdata in a message, generic fallbacks, bad text.
 * Expected wire bytes were computed independently (RFC examples: RFC 4034 for
 * DS/DNSKEY/RRSIG/NSEC, RFC 5155 for NSEC3, RFC 9460 appendix D for SVCB,
 * RFC 4025 IPSECKEY, RFC 4701 DHCID, RFC 7043 EUI, RFC 1876 LOC). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"

struct rtcase {
	uint16_t type;
	const char *in;
	const char *hex;  /* expected canonical wire */
	const char *out;  /* expected text (NULL: same as in) */
};

static const struct rtcase rt[] = {
	{ 1, "192.0.2.1", "c0000201", NULL },
	{ 1, "0.0.0.0", "00000000", NULL },
	{ 1, "255.255.255.255", "ffffffff", NULL },
	{ 1, "10.100.9.199", "0a6409c7", NULL },
	{ 28, "2001:db8::1", "20010db8000000000000000000000001", NULL },
	{ 28, "2001:0DB8:0:0:0:0:0:1", "20010db8000000000000000000000001", "2001:db8::1" },
	{ 28, "::ffff:192.0.2.1", "00000000000000000000ffffc0000201", NULL },
	{ 2, "ns1.example.com.", "036e7331076578616d706c6503636f6d00", NULL },
	{ 5, "Target.EXAMPLE.", "06746172676574076578616d706c6500", "target.example." },
	{ 39, "example.net.", "076578616d706c65036e657400", NULL },
	{ 12, "1.2.0.192.in-addr.arpa.", "0131013201300331393207696e2d61646472046172706100", NULL },
	{ 15, "10 mail.example.com.", "000a046d61696c076578616d706c6503636f6d00", NULL },
	{ 6, "ns.example. admin.example. 2024010101 7200 3600 1209600 300", "026e73076578616d706c65000561646d696e076578616d706c650078a3f17500001c2000000e10001275000000012c", NULL },
	{ 16, "\"hello world\" \"a\\\"b\" \"\\001\" \"\\\\\"", "0b68656c6c6f20776f726c64036122620101015c", NULL },
	{ 16, "hello", "0568656c6c6f", "\"hello\"" },
	{ 16, "\"caf\\195\\169\"", "05636166c3a9", NULL },
	{ 16, "\"\"", "00", NULL },
	{ 99, "\"v=spf1 -all\"", "0b763d73706631202d616c6c", NULL },
	{ 33, "0 5 5060 sip.example.com.", "0000000513c403736970076578616d706c6503636f6d00", NULL },
	{ 35, "100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .", "0064000a0175074532552b7369701b215e2e2a24217369703a696e666f406578616d706c652e636f6d2100", NULL },
	{ 13, "\"PC\" \"Linux\"", "025043054c696e7578", NULL },
	{ 17, "admin.example. txt.example.", "0561646d696e076578616d706c650003747874076578616d706c6500", NULL },
	{ 14, "rm.example. em.example.", "02726d076578616d706c650002656d076578616d706c6500", NULL },
	{ 18, "1 afs.example.", "000103616673076578616d706c6500", NULL },
	{ 21, "20 relay.example.", "00140572656c6179076578616d706c6500", NULL },
	{ 36, "10 kx.example.", "000a026b78076578616d706c6500", NULL },
	{ 26, "10 map822.example. mapx400.example.", "000a066d6170383232076578616d706c6500076d617078343030076578616d706c6500", NULL },
	{ 43, "60485 5 1 ( 2BB183AF5F22588179A5 3B0A98631FAD1A292118 )", "ec4505012bb183af5f22588179a53b0a98631fad1a292118", "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118" },
	{ 59, "60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118", "ec4505012bb183af5f22588179a53b0a98631fad1a292118", "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118" },
	{ 32769, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118", "ec4505012bb183af5f22588179a53b0a98631fad1a292118", NULL },
	{ 32768, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118", "ec4505012bb183af5f22588179a53b0a98631fad1a292118", NULL },
	{ 48, "256 3 5 ( AQPSKmynfzW4kyBv015MUG2DeIQ3 Cbl+BBZH4b/0PY1kxkmvHjcZc8no kfzj31GajIQKY+5CptLr3buXA10h WqTkF7H6RfoRqXQeogmMHfpftf6z Mv1LyBUgia7za6ZEzOJBOztyvhjL 742iU/TpPSEDhm2SNKLijfUppn1U aNvv4w== )", "010003050103d22a6ca77f35b893206fd35e4c506d8378843709b97e041647e1bff43d8d64c649af1e371973c9e891fce3df519a8c840a63ee42a6d2ebddbb97035d215aa4e417b1fa45fa11a9741ea2098c1dfa5fb5feb332fd4bc8152089aef36ba644cce2413b3b72be18cbef8da253f4e93d2103866d9234a2e28df529a67d5468dbefe3", "256 3 5 AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/0PY1kxkmvHjcZc8nokfzj31GajIQKY+5CptLr3buXA10hWqTkF7H6RfoRqXQeogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhjL742iU/TpPSEDhm2SNKLijfUppn1UaNvv4w==" },
	{ 60, "257 3 8 AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/0PY1kxkmvHjcZc8nokfzj31GajIQKY+5CptLr3buXA10hWqTkF7H6RfoRqXQeogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhjL742iU/TpPSEDhm2SNKLijfUppn1UaNvv4w==", "010103080103d22a6ca77f35b893206fd35e4c506d8378843709b97e041647e1bff43d8d64c649af1e371973c9e891fce3df519a8c840a63ee42a6d2ebddbb97035d215aa4e417b1fa45fa11a9741ea2098c1dfa5fb5feb332fd4bc8152089aef36ba644cce2413b3b72be18cbef8da253f4e93d2103866d9234a2e28df529a67d5468dbefe3", NULL },
	{ 25, "256 3 5 AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/0PY1kxkmvHjcZc8nokfzj31GajIQKY+5CptLr3buXA10hWqTkF7H6RfoRqXQeogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhjL742iU/TpPSEDhm2SNKLijfUppn1UaNvv4w==", "010003050103d22a6ca77f35b893206fd35e4c506d8378843709b97e041647e1bff43d8d64c649af1e371973c9e891fce3df519a8c840a63ee42a6d2ebddbb97035d215aa4e417b1fa45fa11a9741ea2098c1dfa5fb5feb332fd4bc8152089aef36ba644cce2413b3b72be18cbef8da253f4e93d2103866d9234a2e28df529a67d5468dbefe3", NULL },
	{ 46, "A 5 3 86400 20030322173103 ( 20030220173103 2642 example.com. oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o= )", "00010503000151803e7c9dd73e5510d70a52076578616d706c6503636f6d00a090755ba58d1affa576f4375831b4310920e481218d18a9f164eb3d81afd3b875d3c75428631e0cf2a28d50875f70c329d7dbfafea807dc1fba1dc34c95d401f23f334ce63bfcf3f1b5b44739e5f0eded18d6b33f040a911376d173d757a9f0c1fa1798941bb0b36b2df9062790fa7f0166f2737eea907378341fb12dc0a77a", "A 5 3 86400 20030322173103 20030220173103 2642 example.com. oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o=" },
	{ 46, "TYPE65280 13 2 300 1700000000 4294967295 1 . AAAA", "ff000d020000012c6553f100ffffffff000100000000", "TYPE65280 13 2 300 20231114221320 21060207062815 1 . AAAA" },
	{ 47, "host.example.com. ( A MX RRSIG NSEC TYPE1234 )", "04686f7374076578616d706c6503636f6d000006400100000003041b000000000000000000000000000000000000000000000000000020", "host.example.com. A MX RRSIG NSEC TYPE1234" },
	{ 47, "Host.Example.com.", "04486f7374074578616d706c6503636f6d00", NULL },
	{ 50, "1 1 12 aabbccdd ( 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS SOA NSEC3PARAM RRSIG )", "0101000c04aabbccdd14174eb2409fe28bcb4887a1836f957f0a8425e27b000722010000000290", "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA MX RRSIG DNSKEY NSEC3PARAM" },
	{ 50, "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR", "010000000014174eb2409fe28bcb4887a1836f957f0a8425e27b", NULL },
	{ 51, "1 0 12 aabbccdd", "0100000c04aabbccdd", "1 0 12 AABBCCDD" },
	{ 51, "1 0 0 -", "0100000000", NULL },
	{ 52, "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6", "0301010c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6", NULL },
	{ 53, "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6", "0301010c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6", NULL },
	{ 44, "2 1 123456789abcdef67890123456789abcdef67890", "0201123456789abcdef67890123456789abcdef67890", "2 1 123456789ABCDEF67890123456789ABCDEF67890" },
	{ 257, "0 issue \"ca.example.net\"", "0005697373756563612e6578616d706c652e6e6574", NULL },
	{ 257, "128 tbs \"Unknown\"", "8003746273556e6b6e6f776e", NULL },
	{ 257, "0 iodef \"mailto:security@example.com\"", "0005696f6465666d61696c746f3a7365637572697479406578616d706c652e636f6d", NULL },
	{ 65, "0 foo.example.com.", "000003666f6f076578616d706c6503636f6d00", NULL },
	{ 64, "1 .", "000100", NULL },
	{ 64, "16 foo.example.com. port=53", "001003666f6f076578616d706c6503636f6d00000300020035", NULL },
	{ 64, "1 foo.example.com. key667=hello", "000103666f6f076578616d706c6503636f6d00029b000568656c6c6f", "1 foo.example.com. key667=\"hello\"" },
	{ 64, "1 foo.example.com. key667=\"hello\\210qoo\"", "000103666f6f076578616d706c6503636f6d00029b000968656c6c6fd2716f6f", NULL },
	{ 64, "1 foo.example.com. ipv6hint=\"2001:db8::1,2001:db8::53:1\"", "000103666f6f076578616d706c6503636f6d000006002020010db800000000000000000000000120010db8000000000000000000530001", "1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1" },
	{ 64, "1 example.com. ipv6hint=\"2001:db8:122:344::192.0.2.33\"", "0001076578616d706c6503636f6d000006001020010db80122034400000000c0000221", "1 example.com. ipv6hint=2001:db8:122:344::c000:221" },
	{ 64, "16 foo.example.org. (alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1)", "001003666f6f076578616d706c65036f7267000000000400010004000100090268320568332d313900040004c0000201", "16 foo.example.org. mandatory=alpn,ipv4hint alpn=\"h2,h3-19\" ipv4hint=192.0.2.1" },
	{ 64, "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"", "001003666f6f076578616d706c65036f7267000001000c08665c6f6f2c626172026832", NULL },
	{ 64, "16 foo.example.org. alpn=f\\\\\\092oo\\092,bar,h2", "001003666f6f076578616d706c65036f7267000001000c08665c6f6f2c626172026832", "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"" },
	{ 65, "1 . alpn=h3 no-default-alpn ech=AEn+DQBFKwAgACA= port=8443", "00010000010003026833000200000003000220fb0005000b0049fe0d00452b00200020", "1 . alpn=\"h3\" no-default-alpn port=8443 ech=AEn+DQBFKwAgACA=" },
	{ 108, "00-00-5e-00-53-2a", "00005e00532a", NULL },
	{ 109, "00-00-5e-ef-10-00-00-2a", "00005eef1000002a", NULL },
	{ 256, "10 1 \"ftp://ftp1.example.com/public\"", "000a00016674703a2f2f667470312e6578616d706c652e636f6d2f7075626c6963", NULL },
	{ 49, "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=", "000201636fc0b8271c82825bb1ac5c41cf5351aa69b4febd94e8f17cdb95000da48c40", NULL },
	{ 61, "mQENBFVHm5sBCADHh2Yl", "99010d0455479b9b010800c7876625", NULL },
	{ 63, "2018031900 1 1 FEBE3D4CE2EC2FFA4BA99D46CD69D6D29711E55217057BEE7EB1A7B641A47BA7FED2DD5B97AE499FAFA4F22C6BD647DE", "7848b91c0101febe3d4ce2ec2ffa4ba99d46cd69d6d29711e55217057bee7eb1a7b641a47ba7fed2dd5b97ae499fafa4f22c6bd647de", NULL },
	{ 62, "66 3 A NS AAAA", "000000420003000460000008", NULL },
	{ 45, "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==", "0a0102c0000226010351537986ed35533b6064478eeeb27b5bd74dae149b6e81ba3a0521af82ab7801", NULL },
	{ 45, "10 0 2 . AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==", "0a0002010351537986ed35533b6064478eeeb27b5bd74dae149b6e81ba3a0521af82ab7801", NULL },
	{ 45, "10 3 2 mygateway.example.com. AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==", "0a0302096d7967617465776179076578616d706c6503636f6d00010351537986ed35533b6064478eeeb27b5bd74dae149b6e81ba3a0521af82ab7801", NULL },
	{ 45, "10 2 2 2001:db8:0:8002::2000:1 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==", "0a020220010db8000080020000000020000001010351537986ed35533b6064478eeeb27b5bd74dae149b6e81ba3a0521af82ab7801", NULL },
	{ 11, "192.0.2.1 6 25 80", "c0000201060000004000000000000080", NULL },
	{ 30, "medium.foo.tld. A MX SIG NXT", "066d656469756d03666f6f03746c640040010082", NULL },
	{ 37, "1 0 0 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==", "0001000000010351537986ed35533b6064478eeeb27b5bd74dae149b6e81ba3a0521af82ab7801",
	  "PKIX 0 0 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==" },
	{ 65280, "\\# 4 0A000001", "0a000001", NULL },
	{ 65280, "\\# 0", "", NULL },
	{ 1, "\\# 4 C0000201", "c0000201", "192.0.2.1" },
	{ 99, "\\# 3 02 6869", "026869", "\"hi\"" },
	/* algorithm and certificate type mnemonics (RFC 4034 A.1, RFC 4398 2.1) */
	{ 43, "60485 RSASHA1 1 2BB183AF5F22588179A53B0A98631FAD1A292118", "ec4505012bb183af5f22588179a53b0a98631fad1a292118",
	  "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118" },
	{ 48, "256 3 ecdsap256sha256 AQID", "0100030d010203", "256 3 13 AQID" },
	{ 46, "A ED448 3 86400 20030322173103 20030220173103 2642 e. AAAA", "00011003000151803e7c9dd73e5510d70a52016500000000",
	  "A 16 3 86400 20030322173103 20030220173103 2642 e. AAAA" },
	{ 37, "PGP 0 PRIVATEOID AQID", "00030000fe010203", NULL },
	{ 37, "IACPKIX 65535 0 AQID", "0008ffff00010203", NULL },
	/* SOA timers and RRSIG's original TTL as durations (BIND's units) */
	{ 6, "a. b. 1 2h 1H30m 2w 5M", "0161000162000000000100001c2000001518001275000000012c",
	  "a. b. 1 7200 5400 1209600 300" },
	{ 46, "A 5 3 1d 20030322173103 20030220173103 2642 e. AAAA", "00010503000151803e7c9dd73e5510d70a52016500000000",
	  "A 5 3 86400 20030322173103 20030220173103 2642 e. AAAA" },
	/* RFC 1876 section 3 (its example of section 4 first); defaults 1m 10000m 10m */
	{ 29, "42 21 54 N 71 06 18 W -24m 30m", "0033161389172dd070be15f000988d20",
	  "42 21 54.000 N 71 6 18.000 W -24.00m 30m 10000m 10m" },
	{ 29, "52 22 23.000 n 4 53 32.000 e -2.00m 0.00m 10000m 10m", "000016138b3cf018810cbce0009895b8",
	  "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m" }, /* "0.00m": as BIND */
	{ 29, "1 N 1 E 0", "001216138036ee808036ee8000989680", "1 0 0.000 N 1 0 0.000 E 0.00m 1m 10000m 10m" },
	{ 29, "90 S 180 W 42849672.95m 90000000m 0.5m .01", "009951106cb0270059604e00ffffffff",
	  "90 0 0.000 S 180 0 0.000 W 42849672.95m 90000000m 0.50m 0.01m" },
	{ 29, "0 0 0.001 S 0 59 59.999 E -100000m 1234.56m", "001516137fffffff8036ee7f00000000",
	  "0 0 0.001 S 0 59 59.999 E -100000.00m 1000m 10000m 10m" },
	/* AMTRELAY, RFC 8777 4.4's examples; the relay name keeps its case */
	{ 260, "10 0 1 203.0.113.15", "0a01cb00710f", NULL },
	{ 260, "10 0 2 2001:db8::15", "0a0220010db8000000000000000000000015", NULL },
	{ 260, "128 1 3 AMTrelays.example.com.", "808309414d5472656c617973076578616d706c6503636f6d00", NULL },
	{ 260, "10 0 0 .", "0a00", NULL },
	/* HIP, RFC 8005 6's example: HIT in hex, PK in base64, rendezvous servers */
	{ 55, "2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D rvs1.example.com. RVS2.example.com.",
	  "10020084200100107b1a74df365639cc39f1d57803010001b771ca136e4aeb5ce44333c53b3d2c13c22243851fc708bcce29f7e2eb5787b5f56ccad34f8223acc10904ddb56b2ec4a6d6232f3b50ea094f0914b3b941bbe529af582c36bbadefdaf2adaf9b4911906f5b2522603c615272b880ec8fb930cc6ee39c444daa75b1678f005a4b2499d1da5433f805c7a5ad3237acc5dd5c5e430472767331076578616d706c6503636f6d000452565332076578616d706c6503636f6d00",
	  NULL },
	{ 55, "2 200100107b1a74df365639cc39f1d578 AwEAAQ==", "10020004200100107b1a74df365639cc39f1d57803010001",
	  "2 200100107B1A74DF365639CC39F1D578 AwEAAQ==" },
	/* the rarer types: RFC 1183 3.1-3.2's X25 and ISDN, RFC 1712's GPOS,
	 * NSAP-PTR, TXT-like NINFO/AVC/RESINFO/WALLET, RKEY, TALINK, DSYNC */
	{ 19, "311061700956", "0c333131303631373030393536", "\"311061700956\"" },
	{ 20, "\"150862028003217\" \"004\"", "0f31353038363230323830303332313703303034", NULL },
	{ 20, "\"150862028003217\"", "0f313530383632303238303033323137", NULL },
	{ 27, "-32.6882 116.8652 10.0", "082d33322e36383832083131362e383635320431302e30",
	  "\"-32.6882\" \"116.8652\" \"10.0\"" },
	{ 23, "foo.Example.", "03666f6f074578616d706c6500", NULL },
	{ 56, "\"a\" \"b\"", "01610162", NULL },
	{ 258, "\"app-name:WOLFGANG|app-class:OAM\"", "1f6170702d6e616d653a574f4c4647414e477c6170702d636c6173733a4f414d", NULL },
	{ 261, "\"qnamemin\" \"exterr=15-17\"", "08716e616d656d696e0c6578746572723d31352d3137", NULL },
	{ 262, "\"x\"", "0178", NULL },
	{ 57, "0 3 254 AQID", "000003fe010203", NULL },
	{ 58, "a.Example. b.example.", "0161074578616d706c65000162076578616d706c6500", NULL },
	/* DSYNC's scheme 1 as BIND 9.18 writes it, NOTIFY (read in any case) */
	{ 66, "CDS NOTIFY 5359 ns1.Example.", "003b0114ef036e7331074578616d706c6500", NULL },
	{ 66, "CDS 1 5359 ns1.Example.", "003b0114ef036e7331074578616d706c6500",
	  "CDS NOTIFY 5359 ns1.Example." },
	{ 66, "CSYNC notify 53 .", "003e01003500", "CSYNC NOTIFY 53 ." },
	{ 66, "A 0 53 a.", "0001000035016100", NULL },
	{ 66, "A 2 53 a.", "0001020035016100", NULL },
	/* ILNP, RFC 6742 section 3's examples */
	{ 104, "10 0014:4fff:ff20:ee64", "000a00144fffff20ee64", NULL },
	{ 104, "10 14:4FFF:FF20:EE64", "000a00144fffff20ee64", "10 0014:4fff:ff20:ee64" },
	{ 105, "10 10.1.2.0", "000a0a010200", NULL },
	{ 106, "10 2001:0db8:1140:1000", "000a20010db811401000", NULL },
	{ 107, "10 L64-subnet1.example.com.", "000a0b4c36342d7375626e657431076578616d706c6503636f6d00", NULL },
	/* RFC 3123 section 5's examples; no items is an empty rdata */
	{ 42, "1:192.168.32.0/21 !1:192.168.38.0/28", "00011503c0a820" "0001" "1c" "83" "c0a826", NULL },
	{ 42, "1:224.0.0.0/4 2:FF00:0:0:0:0:0:0:0/8", "00010401e0" "00020801ff", "1:224.0.0.0/4 2:ff00::/8" },
	{ 42, "2:::/0", "00020000", NULL },
	{ 42, "", "", "\\# 0" },
	/* RFC 2874 section 3.1.1; padding bits set stay (text and wire round-trip) */
	{ 38, "64 ::1:2:3:4 prefix.example.", "40" "0001000200030004" "06707265666978076578616d706c6500", NULL },
	{ 38, "0 2001:db8::1", "00" "20010db8000000000000000000000001", NULL },
	{ 38, "65 ::8000:1:2:3 P.", "41" "8000000100020003" "017000", "65 ::8000:1:2:3 p." },
	{ 38, "65 ::1:0:1:2:3 p.", "41" "0000000100020003" "017000", "65 ::1:2:3 p." },
	/* at 128 no suffix, none written (BIND's form); the empty suffix
	 * written out as "::" is read too */
	{ 38, "128 :: .", "80" "00", "128 ." },
	{ 38, "128 p.", "80" "017000", NULL },
	{ 38, "128 ::1 p.", "80" "017000", "128 p." },
};

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* text -> wire (t->hex) -> text (t->out, or t->in) -> the same wire */
static void check_round_trip(const struct rtcase *t)
{
	static uint8_t wire[65536], want[65536], again[65536];
	static char text[1 << 20];
	size_t wl = unhex(t->hex, want);
	int n = lb_rdata_from_text(t->type, t->in, strlen(t->in), NULL, wire, sizeof wire);
	if (n < 0)
		fail_msg("type %u \"%s\": from_text %d", t->type, t->in, n);
	if ((size_t)n != wl || memcmp(wire, want, wl) != 0)
		fail_msg("type %u \"%s\": wire differs (len %d want %zu)", t->type, t->in, n,
			 wl);
	size_t cap = lb_rdata_text_max(wl);
	assert_true(cap <= sizeof text);
	int tl = lb_rdata_to_text(t->type, want, wl, text, cap);
	if (tl < 0)
		fail_msg("type %u: to_text %d", t->type, tl);
	const char *exp = t->out ? t->out : t->in;
	if (strcmp(text, exp) != 0)
		fail_msg("type %u: got \"%s\" want \"%s\"", t->type, text, exp);
	assert_int_equal((size_t)tl, strlen(text));
	/* and the text we print parses back to the same wire */
	int n2 = lb_rdata_from_text(t->type, text, (size_t)tl, NULL, again, sizeof again);
	if (n2 != (int)wl || memcmp(again, want, wl) != 0)
		fail_msg("type %u: \"%s\" does not parse back (%d)", t->type, text, n2);
	/* the wire is already canonical: canon reproduces it */
	uint8_t msg[65536 + 12] = { 0 };
	memcpy(msg + 12, want, wl);
	int cl = lb_rdata_canon(t->type, msg, wl + 12, 12, wl, again, sizeof again);
	if (cl != (int)wl || memcmp(again, want, wl) != 0)
		fail_msg("type %u: canon changed canonical wire (%d)", t->type, cl);
}

static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rt / sizeof rt[0]; i++)
		check_round_trip(&rt[i]);
}

/* Text that must not parse, for type. */
static void check_bad_text(uint16_t type, const char *in)
{
	uint8_t w[1024];
	int r = lb_rdata_from_text(type, in, strlen(in), NULL, w, sizeof w);
	if (r >= 0)
		fail_msg("type %u \"%s\" accepted (%d)", type, in, r);
}

/* CERT's certificate type and algorithm are printed as BIND and dnspython
 * print them (RFC 4398 2.1, 2.2): the mnemonic where one exists, else the
 * number; they were numbers.  BIND's algorithm names where the two tools
 * differ (6, 7); dnspython's are read too. */
static void test_cert_mnemonics(void **state)
{
	(void)state;
	static const struct rtcase c[] = {
		{ 37, "1 12345 8 AQID", "0001303908010203", "PKIX 12345 RSASHA256 AQID" },
		{ 37, "9 1 0 AQID", "0009000100010203", NULL },
		{ 37, "OID 1 NSEC3DSA AQID", "00fe000106010203", NULL },
		{ 37, "3 0 7 AQID", "0003000007010203", "PGP 0 NSEC3RSASHA1 AQID" },
		{ 37, "65535 65535 ecc-gost AQID", "ffffffff0c010203", "65535 65535 ECCGOST AQID" },
		{ 37, "IPKIX 1 253 AQID", "00040001fd010203", "IPKIX 1 PRIVATEDNS AQID" },
		{ 37, "ipgp 1 200 AQID", "00060001c8010203", "IPGP 1 200 AQID" },
		{ 37, "SPKI 1 DH AQID", "0002000102010203", NULL },
		{ 37, "URI 0 DSANSEC3SHA1 AQID", "00fd000006010203", "URI 0 NSEC3DSA AQID" },
		{ 37, "ACPKIX 2 RSASHA1NSEC3SHA1 AQID", "0007000207010203",
		  "ACPKIX 2 NSEC3RSASHA1 AQID" },
		{ 37, "5 3 15 AQID", "000500030f010203", "ISPKI 3 ED25519 AQID" },
		{ 37, "255 3 255 AQID", "00ff0003ff010203", NULL },
		/* DNSKEY, DS, RRSIG keep numbers in print, as dig shows them */
		{ 48, "256 3 RSASHA256 AQID", "01000308010203", "256 3 8 AQID" },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		check_round_trip(&c[i]);
	check_bad_text(LB_T_CERT, "PKIX 1 NOALG AQID");
	check_bad_text(LB_T_CERT, "PKIX2 1 8 AQID");
	check_bad_text(LB_T_CERT, "1 PKIX 8 AQID");
}

/* NSAP (RFC 1706 5, 7) as BIND and dnspython print it: "0x" and the octets
 * in lower-case hex; '.'s anywhere among the digits are read and ignored
 * (RFC 1706 6).  It was printed in the RFC 3597 form, and its text form
 * was not read. */
static void test_nsap_text(void **state)
{
	(void)state;
	static const struct rtcase c[] = {
		{ 22, "0x47000580005a0000000001e133ffffff00016100",
		  "47000580005a0000000001e133ffffff00016100", NULL },
		{ 22, "0x47.0005.80.005a00.0000.0001.e133.ffffff000161.00",
		  "47000580005a0000000001e133ffffff00016100",
		  "0x47000580005a0000000001e133ffffff00016100" },
		{ 22, "0X39840F80005A0000000001E13708002010726E00",
		  "39840f80005a0000000001e13708002010726e00",
		  "0x39840f80005a0000000001e13708002010726e00" },
		{ 22, "0x4.70.0", "4700", "0x4700" },
		{ 22, "0x.47.", "47", "0x47" },
		{ 22, "\\# 1 47", "47", "0x47" },
		/* no octet at all: kept, in the RFC 3597 form (BIND reads neither) */
		{ 22, "\\# 0", "", NULL },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		check_round_trip(&c[i]);
	static const char *const bad[] = {
		"0x", "0x.", "47", "0x4", "0x47.0", "0x47 00", "\"0x47\"", "0xZZ", "", "x47", "00x47",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check_bad_text(LB_T_NSAP, bad[i]);
}

/* EID, NIMLOC, ATMA and SINK as BIND 9.18 prints and reads them (dnspython
 * 2.3 has no class for any): EID and NIMLOC upper-case hex, in tokens when
 * read; ATMA format 0 lower-case hex, format 1 '+' and the digits, '.'s
 * between two digits read and dropped; SINK "meaning coding subcoding" and
 * the data in base64, if any.  All four were \# both ways.  Rdata BIND
 * refuses (no octet, an ATMA without address, of another format or with a
 * non-digit in E.164, a SINK under 3 octets) is kept and shown as \#. */
static void test_rare_types_text(void **state)
{
	(void)state;
	static const struct rtcase c[] = {
		{ 31, "01020304", "01020304", NULL },
		{ 31, "0102 03 04", "01020304", "01020304" },
		{ 31, "ab", "ab", "AB" },
		{ 32, "00003039", "00003039", NULL },
		{ 32, "\\# 2 abcd", "abcd", "ABCD" },
		{ 31, "\\# 0", "", NULL },
		{ 32, "\\# 0", "", NULL },
		{ 34, "01020304", "0001020304", NULL },
		{ 34, "AB.CD", "00abcd", "abcd" },
		{ 34, "0.1.2.3", "000123", "0123" },
		{ 34, "+1234", "0131323334", NULL },
		{ 34, "+1.2", "013132", "+12" },
		{ 34, "+0", "0130", NULL },
		{ 34, "\\# 3 013132", "013132", "+12" },
		{ 34, "\\# 0", "", NULL },
		{ 34, "\\# 1 00", "00", "\\# 1 00" },
		{ 34, "\\# 1 01", "01", "\\# 1 01" },
		{ 34, "\\# 2 0100", "0100", "\\# 2 0100" },
		{ 34, "\\# 3 02abcd", "02abcd", "\\# 3 02ABCD" },
		{ 34, "\\# 3 01312b", "01312b", "\\# 3 01312B" },
		{ 40, "1 2 3 BAU=", "0102030405", NULL },
		{ 40, "1 2 3", "010203", NULL },
		{ 40, "255 0 65 AQID BAU=", "ff00410102030405", "255 0 65 AQIDBAU=" },
		{ 40, "\\# 2 0102", "0102", "\\# 2 0102" },
		{ 40, "\\# 0", "", NULL },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		check_round_trip(&c[i]);
	static const struct {
		uint16_t type;
		const char *in;
	} bad[] = {
		{ 31, "" }, { 31, "010" }, { 31, "\"ab\"" }, { 31, "01.02" }, { 31, "0x01" },
		{ 32, "" }, { 32, "xyz" },
		{ 34, "" }, { 34, "+" }, { 34, "+12a" }, { 34, "012" }, { 34, "AB CD" },
		{ 34, "\"0123\"" }, { 34, "0xab" }, { 34, ".0123." }, { 34, "0123." },
		{ 34, "+.1" }, { 34, "+1." }, { 34, "+1..2" }, { 34, "01..23" }, { 34, "+12 34" },
		{ 34, "." }, { 34, "+ab" },
		{ 40, "" }, { 40, "1 2" }, { 40, "256 2 3" }, { 40, "1 2 3 A" }, { 40, "1 2 3 AQ" },
		{ 40, "1 2 3 -" }, { 40, "1 2 3 \"\"" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check_bad_text(bad[i].type, bad[i].in);
}

/* The types of that era BIND has no typed form for (UINFO, UID, GID; UNSPEC,
 * which BIND and dnspython print as \# too) stay in the RFC 3597 form both
 * ways: their text forms are not read. */
static void test_rare_types_generic(void **state)
{
	(void)state;
	static const uint16_t types[] = { 100, 101, 102, 103 };
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		const struct rtcase c = { types[i], "\\# 4 00003039", "00003039", NULL };
		check_round_trip(&c);
		const struct rtcase e = { types[i], "\\# 0", "", NULL };
		check_round_trip(&e);
		check_bad_text(types[i], "12345");
		check_bad_text(types[i], "\"abc\"");
		check_bad_text(types[i], "0123456789abcdef");
	}
}

/* An empty TXT (rdlength 0, where RFC 1035 3.3.14 wants one or more
 * character-strings) is kept and printed "\# 0", which reads back; it was
 * refused by canon (the record skipped as bad).  One empty string is "". */
static void test_empty_txt_kept(void **state)
{
	(void)state;
	static const uint16_t types[] = { LB_T_TXT, LB_T_SPF, 56 /* NINFO */ };
	uint8_t m[16] = { 0 }, out[16];
	char text[64];
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		assert_int_equal(lb_rdata_canon(types[i], m, 12, 12, 0, out, sizeof out), 0);
		assert_int_equal(lb_rdata_to_text(types[i], out, 0, text, sizeof text), 4);
		assert_string_equal(text, "\\# 0");
		const struct rtcase e = { types[i], "\\# 0", "", NULL };
		check_round_trip(&e);
		const struct rtcase one = { types[i], "\"\"", "00", NULL };
		check_round_trip(&one);
		check_bad_text(types[i], ""); /* no string in the typed form */
	}
}

/* Wire -> text only: forms printed in the generic form, and more LOC, APL, A6. */
static void test_to_text_only(void **state)
{
	(void)state;
	static const struct {
		uint16_t type;
		const char *hex;
		const char *out;
	} c[] = {
		{ LB_T_LOC, "0033161389172dd070be15f000988d20",
		  "42 21 54.000 N 71 6 18.000 W -24.00m 30m 10000m 10m" },
		{ LB_T_LOC, "001216138b3cf018810cbce0009895b8",
		  "52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m" },
		/* zero sizes: "0.00m" below exponent 2, "0m" from it (BIND) */
		{ LB_T_LOC, "00000110" "8b3cf018810cbce0009895b8",
		  "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 0.00m 0.01m" },
		{ LB_T_LOC, "00020309" "8b3cf018810cbce0009895b8",
		  "52 22 23.000 N 4 53 32.000 E -2.00m 0m 0m 0m" },
		{ LB_T_LOC, "00a0161389172dd070be15f000988d20", "\\# 16 00A0161389172DD070BE15F000988D20" },
		{ LB_T_APL, "00011503c0a820" "0001" "1c" "83" "c0a826",
		  "1:192.168.32.0/21 !1:192.168.38.0/28" },
		{ LB_T_APL, "00020000", "2:::/0" },
		{ LB_T_A6, "40" "0001000200030004" "06707265666978076578616d706c6500",
		  "64 ::1:2:3:4 prefix.example." },
		{ LB_T_A6, "00" "20010db8000000000000000000000001", "0 2001:db8::1" },
		{ LB_T_A, "c00002", "\\# 3 C00002" },
		{ LB_T_AAAA, "", "\\# 0" },
		{ LB_T_MX, "000a0161", "\\# 4 000A0161" },
		{ LB_T_TXT, "05616263", "\\# 4 05616263" },
		{ LB_T_NSEC3PARAM, "01000000", "\\# 4 01000000" },
		{ LB_T_CAA, "0003a2c3", "\\# 4 0003A2C3" },
		{ LB_T_SVCB, "0001000003", "\\# 5 0001000003" },
		{ LB_T_SVCB, "00010000030000", "\\# 7 00010000030000" },
		/* malformed SvcParams (RFC 9460 2.2) are kept, shown as \#: keys
		 * out of order, repeated, the reserved 65535, a value past the end */
		{ LB_T_SVCB, "0001" "00" "00030002" "0035" "00010000",
		  "\\# 13 000100000300020035" "00010000" },
		{ LB_T_SVCB, "0001" "00" "00030002" "0035" "00030002" "0036",
		  "\\# 15 000100000300020035" "000300020036" },
		{ LB_T_SVCB, "0001" "00" "ffff0000", "\\# 7 000100FFFF0000" },
		{ LB_T_SVCB, "0001" "00" "00030003" "0035", "\\# 9 000100000300030035" },
		/* AMTRELAY relay type 4 is unknown; HIP with an empty HIT, and a PK
		 * longer than the rdata */
		{ 260, "0a04c0000201", "\\# 6 0A04C0000201" },
		{ LB_T_HIP, "000200010a", "\\# 5 000200010A" },
		{ LB_T_HIP, "01020005aa0a", "\\# 6 01020005AA0A" },
		/* mandatory listing itself (RFC 9460 8) */
		{ LB_T_SVCB, "0001" "00" "0000" "0002" "0000", "\\# 9 000100000000020000" },
		{ LB_T_NULL, "0102", "\\# 2 0102" },
		{ LB_T_OPT, "", "\\# 0" },
		{ LB_T_NSEC, "00" "0000", "\\# 3 000000" },
		/* malformed bitmaps (RFC 4034 4.1.2) in the RFC 3597 form: windows
		 * out of order or repeated, a window of 0 or 33 octets */
		{ LB_T_NSEC, "00" "000140" "000140", "\\# 7 00000140000140" },
		{ LB_T_NSEC, "00" "010140" "000140", "\\# 7 00010140000140" },
		{ LB_T_NSEC, "00" "0200", "\\# 3 000200" },
		{ LB_T_NSEC3, "01000000" "00" "01aa" "0200", "\\# 9 0100000000" "01AA0200" },
		{ LB_T_HINFO, "0158", "\\# 2 0158" },
	};
	char text[4096];
	uint8_t w[512];
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		size_t wl = unhex(c[i].hex, w);
		int tl = lb_rdata_to_text(c[i].type, w, wl, text, sizeof text);
		if (tl < 0 || strcmp(text, c[i].out) != 0)
			fail_msg("%zu type %u: got \"%s\" (%d) want \"%s\"", i, c[i].type,
				 tl < 0 ? "" : text, tl, c[i].out);
	}
	/* a short buffer is LB_ESPACE, never a cut string */
	w[0] = 192; w[1] = 0; w[2] = 2; w[3] = 1;
	assert_int_equal(lb_rdata_to_text(LB_T_A, w, 4, text, 9), LB_ESPACE);
	assert_int_equal(lb_rdata_to_text(LB_T_A, w, 4, text, 10), 9);
}

/* Compressed rdata inside a message: decompressed; names lower-cased only for
 * the RFC 4034 6.2 (+ RFC 6840) types, and SVCB/HTTPS targets. */
static void test_canon_in_message(void **state)
{
	(void)state;
	uint8_t msg[64] = { 0 };
	/* 12: \7Example\3COM\0 (13 bytes) */
	memcpy(msg + 12, "\7Example\3COM\0", 13);
	size_t at = 25;
	/* MX 10 MAIL + ptr to 12 */
	memcpy(msg + at, "\0\x0a\4MAIL\xc0\x0c", 9);
	uint8_t out[300];
	int n = lb_rdata_canon(LB_T_MX, msg, at + 9, at, 9, out, sizeof out);
	assert_int_equal(n, 2 + 5 + 13);
	assert_memory_equal(out, "\0\x0a\4mail\7example\3com\0", 20);
	/* NSEC next name keeps its case (RFC 6840 5.1), still decompressed */
	memcpy(msg + at, "\4MAIL\xc0\x0c\0\1\x40", 10);
	n = lb_rdata_canon(LB_T_NSEC, msg, at + 10, at, 10, out, sizeof out);
	assert_int_equal(n, 18 + 3);
	assert_memory_equal(out, "\4MAIL\7Example\3COM\0\0\1\x40", 21);
	/* an SVCB/HTTPS TargetName is lower-cased too (indexed for -n lookups,
	 * which ask in lower case); its SvcParams keep their bytes */
	static const uint8_t https[] = "\0\1\3CDN\7Example\3NET\0\0\1\0\3\2H2";
	memcpy(msg + at, https, sizeof https - 1);
	n = lb_rdata_canon(LB_T_HTTPS, msg, at + sizeof https - 1, at, sizeof https - 1, out,
			   sizeof out);
	assert_int_equal(n, (int)sizeof https - 1);
	assert_memory_equal(out, "\0\1\3cdn\7example\3net\0\0\1\0\3\2H2", sizeof https - 1);
	/* rdlen cutting a name is LB_ERDATA; a bad pointer keeps its own code */
	memcpy(msg + at, "\0\x0a\4MAIL\xc0\x0c", 9);
	assert_int_equal(lb_rdata_canon(LB_T_MX, msg, at + 9, at, 8, out, sizeof out), LB_ERDATA);
	memcpy(msg + at, "\0\x0a\4MAIL\xc0\x30", 9);
	assert_int_equal(lb_rdata_canon(LB_T_MX, msg, at + 9, at, 9, out, sizeof out), LB_EPTR);
	/* trailing bytes after the last field */
	memcpy(msg + at, "\0\x0a\0\0", 4);
	assert_int_equal(lb_rdata_canon(LB_T_MX, msg, at + 4, at, 4, out, sizeof out), LB_ERDATA);
	/* rdlength past the message */
	assert_int_equal(lb_rdata_canon(LB_T_MX, msg, at + 4, at, 5, out, sizeof out), LB_ETRUNC);
	/* out too small */
	memcpy(msg + at, "\0\x0a\4MAIL\xc0\x0c", 9);
	assert_int_equal(lb_rdata_canon(LB_T_MX, msg, at + 9, at, 9, out, 10), LB_ESPACE);
	/* layout checks */
	static const struct {
		uint16_t type;
		const char *hex;
	} bad[] = {
		{ LB_T_A, "0102" }, { LB_T_AAAA, "00" }, { LB_T_SOA, "0000" },
		{ LB_T_TXT, "0561" }, { LB_T_NSEC, "00" "0002" },
		{ LB_T_NSEC, "00" "00" }, { LB_T_NSEC, "00" "0021" },
		{ LB_T_NSEC3, "01000000" "00" "00" }, { LB_T_CAA, "0000" },
		{ LB_T_SVCB, "0001" }, { LB_T_LOC, "00" },
		{ LB_T_IPSECKEY, "0a0402" }, { LB_T_A6, "81" }, { LB_T_APL, "000118" },
		{ LB_T_SRV, "000000000000" }, { LB_T_DS, "0001" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t m[100] = { 0 };
		size_t l = unhex(bad[i].hex, m + 12);
		int r = lb_rdata_canon(bad[i].type, m, 12 + l, 12, l, out, sizeof out);
		if (r != LB_ERDATA)
			fail_msg("bad[%zu] type %u: got %d", i, bad[i].type, r);
	}
	/* NSEC whose type bitmap is malformed (windows out of order, a window
	 * of no octets) but framed inside the rdata: kept as it is */
	{
		uint8_t sm[40] = { 0 };
		size_t sl = unhex("00" "010140" "000140" "0200", sm + 12);
		assert_int_equal(lb_rdata_canon(LB_T_NSEC, sm, 12 + sl, 12, sl, out, sizeof out),
				 (int)sl);
		assert_memory_equal(out, sm + 12, sl);
	}
	/* SVCB whose SvcParams are malformed (keys out of order): kept as they
	 * are, for the printer's RFC 3597 form - not skipped as a bad record */
	{
		uint8_t sm[40] = { 0 };
		size_t sl = unhex("0001" "00" "00030002" "0035" "00010000", sm + 12);
		assert_int_equal(lb_rdata_canon(LB_T_SVCB, sm, 12 + sl, 12, sl, out, sizeof out),
				 (int)sl);
		assert_memory_equal(out, sm + 12, sl);
	}
	/* unknown types are opaque */
	uint8_t m[20] = { 0 };
	memcpy(m + 12, "\xc0\x0c\x41", 3);
	assert_int_equal(lb_rdata_canon(65280, m, 15, 12, 3, out, sizeof out), 3);
	assert_memory_equal(out, "\xc0\x0c\x41", 3);
}

/* Fixed-size fields in a row (SOA's five numbers, RRSIG's 18-byte header) are
 * copied as one block: the bytes come out in place, a run cut short is
 * LB_ERDATA, and an output one byte too small is LB_ESPACE. */
static void test_canon_fixed_runs(void **state)
{
	(void)state;
	uint8_t msg[128] = { 0 };
	memcpy(msg + 12, "\2NS\7Example\0", 12); /* 12 bytes at offset 12 */
	size_t at = 24;
	/* SOA: mname = pointer to 12, rname = \4HOST + pointer to 15, numbers 1..5 */
	static const uint8_t soa[] = "\xc0\x0c\4HOST\xc0\x0f"
				     "\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0\5";
	size_t sl = sizeof soa - 1; /* 29 */
	memcpy(msg + at, soa, sl);
	static const uint8_t want[] = "\2ns\7example\0\4host\7example\0"
				      "\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0\5";
	size_t wl = sizeof want - 1; /* 12 + 14 + 20 */
	uint8_t out[300];
	assert_int_equal(lb_rdata_canon(LB_T_SOA, msg, at + sl, at, sl, out, sizeof out), (int)wl);
	assert_memory_equal(out, want, wl);
	/* after the names' 26 bytes the numbers need exactly their 20 */
	assert_int_equal(lb_rdata_canon(LB_T_SOA, msg, at + sl, at, sl, out, 26 + 20), (int)wl);
	assert_int_equal(lb_rdata_canon(LB_T_SOA, msg, at + sl, at, sl, out, 26 + 19), LB_ESPACE);
	/* the numbers cut short, by one byte and by a whole field */
	assert_int_equal(lb_rdata_canon(LB_T_SOA, msg, at + sl, at, sl - 1, out, sizeof out), LB_ERDATA);
	assert_int_equal(lb_rdata_canon(LB_T_SOA, msg, at + sl, at, sl - 4, out, sizeof out), LB_ERDATA);
	/* RRSIG: type covered, algorithm, labels, TTL, expiration, inception,
	 * key tag (18 bytes), signer (lower-cased), signature */
	uint8_t rr[64];
	for (int i = 0; i < 18; i++)
		rr[i] = (uint8_t)(0x10 + i);
	memcpy(rr + 18, "\2NS\7Example\0\xaa\xbb", 14);
	memcpy(msg + at, rr, 32);
	assert_int_equal(lb_rdata_canon(LB_T_RRSIG, msg, at + 32, at, 32, out, sizeof out), 32);
	assert_memory_equal(out, rr, 18);
	assert_memory_equal(out + 18, "\2ns\7example\0\xaa\xbb", 14);
	assert_int_equal(lb_rdata_canon(LB_T_RRSIG, msg, at + 32, at, 17, out, sizeof out), LB_ERDATA);
}

static void test_bad_text(void **state)
{
	(void)state;
	static const struct {
		uint16_t type;
		const char *in;
	} c[] = {
		{ LB_T_A, "192.0.2" }, { LB_T_A, "192.0.2.256" }, { LB_T_A, "1.2.3.4 5" },
		{ LB_T_A, "" }, { LB_T_AAAA, "2001:db8::g" }, { LB_T_MX, "65536 a." },
		{ LB_T_MX, "10" }, { LB_T_MX, "-1 a." }, { LB_T_TXT, "\"abc" }, { LB_T_TXT, "" },
		{ LB_T_DS, "1 2 3 ABC" }, { LB_T_DS, "1 2 3 XY" }, { LB_T_DNSKEY, "256 3 5 A===" },
		{ LB_T_DNSKEY, "256 3 5 AB" }, { LB_T_NSEC, "a. FOO" },
		{ LB_T_RRSIG, "A 5 3 86400 2003032217310 20030220173103 2642 e. AAAA" },
		{ LB_T_CAA, "0 is-sue \"x\"" }, { LB_T_SVCB, "1 . alpn" },
		{ LB_T_SVCB, "1 . port=70000" }, { LB_T_SVCB, "1 . port=1 port=2" },
		{ LB_T_SVCB, "1 . bogus=1" }, { LB_T_NSEC3PARAM, "1 0 0 abc" },
		{ LB_T_CNAME, "a..b." }, { LB_T_A, "\\# 4 C00002" }, { LB_T_A, "\\# 3 C00002" },
		{ 65280, "hello" }, { LB_T_EUI48, "00-00-5e-00-53" },
		{ LB_T_LOC, "91 N 1 E 0m" }, { LB_T_LOC, "90 0 0.001 N 1 E 0m" },
		{ LB_T_LOC, "1 N 181 E 0m" }, { LB_T_LOC, "1 60 N 1 E 0m" },
		{ LB_T_LOC, "1 1 60 N 1 E 0m" }, { LB_T_LOC, "1 1 1.0001 N 1 E 0m" },
		{ LB_T_LOC, "1.5 N 1 E 0m" }, { LB_T_LOC, "1 N 1 E" }, { LB_T_LOC, "1 X 1 E 0m" },
		{ LB_T_LOC, "1 1 1 1 N 1 E 0m" }, { LB_T_LOC, "1 N 1 E 0m 1m 1m 1m 1m" },
		{ LB_T_LOC, "1 N 1 E -100000.01m" }, { LB_T_LOC, "1 N 1 E 42849672.96m" },
		{ LB_T_LOC, "1 N 1 E 0m 90000000.01m" }, { LB_T_LOC, "1 N 1 E 0m -1m" },
		{ LB_T_LOC, "1 N 1 E 0.001m" }, { LB_T_LOC, "1 N 1 E .m" }, { LB_T_LOC, "1 E 1 N 0m" },
		{ LB_T_LOC, "1 N 1 E \"0m\"" }, { LB_T_LOC, "" },
		{ LB_T_APL, "3:1.2.3.4/8" }, { LB_T_APL, "1:1.2.3.4/33" }, { LB_T_APL, "1:1.2.3/8" },
		{ LB_T_APL, "1:1.2.3.4" }, { LB_T_APL, "1:::1/8" }, { LB_T_APL, "\"1:1.2.3.4/8\"" },
		{ LB_T_APL, "2:::/129" }, { LB_T_APL, "!!1:1.2.3.4/8" }, { LB_T_APL, ":1.2.3.4/8" },
		{ LB_T_A6, "129 ::1 x." }, { LB_T_A6, "64 ::1" }, { LB_T_A6, "0 ::1 x." },
		{ LB_T_A6, "64 1.2.3.4 x." }, { LB_T_A6, "" }, { LB_T_A6, "128" },
		{ LB_T_A6, "128 nope x." }, { LB_T_A6, "128 :: x. y." },
		{ LB_T_NID, "10 0014:4fff:ff20" }, { LB_T_NID, "10 0014:4fff:ff20:ee64:1" },
		{ LB_T_L64, "10 00140:4fff:ff20:ee64" }, { LB_T_L64, "10 0014::ff20:ee64" },
		{ LB_T_SVCB, "1 . mandatory=mandatory" }, { LB_T_SVCB, "1 . mandatory=alpn,mandatory alpn=h2" },
		{ LB_T_DS, "1 FOO 1 AB" }, { LB_T_MX, "PGP a." }, { LB_T_CERT, "1 2 PGP AQID" },
		{ LB_T_DNSKEY, "RSASHA1 3 5 AQID" }, { LB_T_DS, "1 5 RSASHA1 AB" },
	};
	uint8_t w[1024];
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int r = lb_rdata_from_text(c[i].type, c[i].in, strlen(c[i].in), NULL, w, sizeof w);
		if (r >= 0)
			fail_msg("type %u \"%s\" accepted (%d)", c[i].type, c[i].in, r);
	}
	assert_int_equal(lb_rdata_from_text(LB_T_A, "1.2.3.4", 7, NULL, w, 3), LB_ESPACE);
	/* relative names complete with the origin */
	const uint8_t *origin = (const uint8_t *)"\7example\0";
	int r = lb_rdata_from_text(LB_T_MX, "5 mx", 4, origin, w, sizeof w);
	assert_int_equal(r, 2 + 12);
	assert_memory_equal(w, "\0\5\2mx\7example\0", 14);
}

/* A NUL inside a token is no end of it: "1.2.3.4\0junk" is not 1.2.3.4 (the
 * address, type and APL/AMTRELAY/A6 fields went through C strings). */
static void test_nul_in_token(void **state)
{
	(void)state;
	static const struct {
		uint16_t type;
		const char *in;
		size_t len;
	} c[] = {
		{ LB_T_A, "192.0.2.1\0junk", 14 }, { LB_T_A, "192.0.2.1\0", 10 },
		{ LB_T_AAAA, "::1\0zz", 6 }, { LB_T_NSEC, "a. A\0x", 6 },
		{ LB_T_APL, "1:1.2.3.4\0/8", 12 }, { LB_T_A6, "64 ::1\0x x.", 11 },
		{ LB_T_AMTRELAY, "1 0 1 1.2.3.4\0x", 15 },
	};
	uint8_t w[256];
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int r = lb_rdata_from_text(c[i].type, c[i].in, c[i].len, NULL, w, sizeof w);
		if (r >= 0)
			fail_msg("type %u case %zu accepted (%d)", c[i].type, i, r);
	}
	/* the same without the NUL is read */
	assert_int_equal(lb_rdata_from_text(LB_T_A, "192.0.2.1", 9, NULL, w, sizeof w), 4);
	assert_int_equal(lb_rdata_from_text(LB_T_NSEC, "a. A", 4, NULL, w, sizeof w), 3 + 3);
}

/* RRSIG times in the YYYYMMDDHHmmSS form take BIND's ranges
 * (dns_time64_fromtext): the month's own days (20230230 was March 2), a
 * leap second, years before 1970 (modulo 2^32, as the field is). */
static void test_rrsig_time_text(void **state)
{
	(void)state;
	static const struct {
		const char *t;
		int ok;
		uint32_t want;
	} c[] = {
		{ "20240229120000", 1, 1709208000 }, { "20000229000000", 1, 951782400 },
		{ "20230101000000", 1, 1672531200 }, { "20161231235960", 1, 1483228800 },
		{ "19691231235959", 1, 4294967295u }, { "21060207062816", 1, 0 },
		{ "19700101000000", 1, 0 }, { "4294967295", 1, 4294967295u },
		{ "20230229000000", 0, 0 }, { "19000229000000", 0, 0 }, { "20230230000000", 0, 0 },
		{ "20230431000000", 0, 0 }, { "20231301000000", 0, 0 }, { "20230100000000", 0, 0 },
		{ "20230101240000", 0, 0 }, { "20230101006000", 0, 0 }, { "20230101000061", 0, 0 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char txt[128];
		snprintf(txt, sizeof txt, "A 8 2 300 %s 20230101000000 1 example.com. AQID", c[i].t);
		uint8_t w[256];
		int r = lb_rdata_from_text(LB_T_RRSIG, txt, strlen(txt), NULL, w, sizeof w);
		if (c[i].ok != (r > 0))
			fail_msg("RRSIG expiration %s: %d", c[i].t, r);
		if (c[i].ok) {
			uint32_t got = (uint32_t)w[8] << 24 | (uint32_t)w[9] << 16 | (uint32_t)w[10] << 8 | w[11];
			if (got != c[i].want)
				fail_msg("RRSIG expiration %s: %u, want %u", c[i].t, got, c[i].want);
		}
	}
}

static void test_ttl_text(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		long long want; /* -1: refused */
	} c[] = {
		{ "0", 0 }, { "300", 300 }, { "1h", 3600 }, { "1h30m", 5400 }, { "2W", 1209600 },
		{ "1d1s", 86401 }, { "10", 10 }, { "4294967295", 4294967295LL }, { "90s", 90 },
		{ "1h5", 3605 }, { "", -1 }, { "h", -1 }, { "1x", -1 }, { "4294967296", -1 },
		{ "7102w", -1 }, { "-1", -1 }, { "1 h", -1 }, { "1hh", -1 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		uint32_t v = 7;
		int r = lb_ttl_from_text(c[i].in, strlen(c[i].in), &v);
		if (c[i].want < 0 ? r == 0 : (r != 0 || v != (uint32_t)c[i].want))
			fail_msg("\"%s\": rc %d value %u want %lld", c[i].in, r, v, c[i].want);
	}
}

/* lb_rdata_text: text of any size (an NSEC of 120 full bitmap windows prints
 * about 300 KB; a fixed buffer of 4 bytes a byte printed it empty). */
static void test_text_any_size(void **state)
{
	(void)state;
	static uint8_t nsec[3 + 120 * 34];
	size_t n = 0;
	nsec[n++] = 1;
	nsec[n++] = 'a';
	nsec[n++] = 0;
	for (int w = 0; w < 120; w++) {
		nsec[n++] = (uint8_t)w;
		nsec[n++] = 32;
		memset(nsec + n, 0xff, 32);
		n += 32;
	}
	const char *t = lb_rdata_text(LB_T_NSEC, nsec, n);
	assert_non_null(t);
	assert_true(strlen(t) > (size_t)LB_RDATA_MAX * 4);
	assert_memory_equal(t, "a. TYPE0 A NS", 13);
	assert_non_null(strstr(t, " TYPE30719"));
	/* and a short one after it, in the same buffer */
	const uint8_t a[] = { 192, 0, 2, 1 };
	assert_string_equal(lb_rdata_text(LB_T_A, a, 4), "192.0.2.1");
}

static void test_target_and_types(void **state)
{
	(void)state;
	const uint8_t mx[] = "\0\x0a\4mail\7example\0";
	assert_ptr_equal(lb_rdata_target_name(LB_T_MX, mx, 16), mx + 2);
	assert_null(lb_rdata_target_name(LB_T_MX, mx, 10));
	assert_null(lb_rdata_target_name(LB_T_A, mx, 4));
	const uint8_t naptr[] = "\0\1\0\2\1u\0\0\3foo\0";
	assert_ptr_equal(lb_rdata_target_name(LB_T_NAPTR, naptr, 13), naptr + 8);
	const uint8_t srv[] = "\0\0\0\0\0\0\1x\0";
	assert_ptr_equal(lb_rdata_target_name(LB_T_SRV, srv, 9), srv + 6);

	char b[32];
	uint16_t ty;
	assert_int_equal(lb_rrtype_to_text(LB_T_NSEC3PARAM, b, sizeof b), 10);
	assert_string_equal(b, "NSEC3PARAM");
	assert_int_equal(lb_rrtype_to_text(65280, b, sizeof b), 9);
	assert_string_equal(b, "TYPE65280");
	assert_int_equal(lb_rrtype_to_text(65280, b, 5), LB_ESPACE);
	assert_int_equal(lb_rrtype_from_text("aaaa", &ty), 0);
	assert_int_equal(ty, LB_T_AAAA);
	assert_int_equal(lb_rrtype_from_text("TYPE65280", &ty), 0);
	assert_int_equal(ty, 65280);
	assert_int_equal(lb_rrtype_from_text("type1", &ty), 0);
	assert_int_equal(ty, 1);
	assert_int_equal(lb_rrtype_from_text("65535", &ty), 0);
	assert_int_equal(ty, 65535);
	assert_int_equal(lb_rrtype_from_text("65536", &ty), LB_ETEXT);
	assert_int_equal(lb_rrtype_from_text("TYPE", &ty), LB_ETEXT);
	assert_int_equal(lb_rrtype_from_text("NOPE", &ty), LB_ETEXT);
	assert_int_equal(lb_rrtype_from_text("", &ty), LB_ETEXT);
	assert_string_equal(lb_rrtype_name(LB_T_HTTPS), "HTTPS");
	assert_null(lb_rrtype_name(65280));
	assert_true(lb_rrtype_is_dnssec(LB_T_RRSIG));
	assert_true(lb_rrtype_is_dnssec(LB_T_TA));
	assert_false(lb_rrtype_is_dnssec(LB_T_A));
	assert_string_equal(lb_class_name(LB_C_IN), "IN");
	assert_null(lb_class_name(2));
	assert_string_equal(lb_rcode_name(LB_RCODE_NXDOMAIN), "NXDOMAIN");
	assert_string_equal(lb_rcode_name(16), "BADVERS");
	assert_null(lb_rcode_name(4000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_cert_mnemonics),
		cmocka_unit_test(test_nsap_text),
		cmocka_unit_test(test_rare_types_text),
		cmocka_unit_test(test_rare_types_generic),
		cmocka_unit_test(test_empty_txt_kept),
		cmocka_unit_test(test_to_text_only),
		cmocka_unit_test(test_canon_in_message),
		cmocka_unit_test(test_canon_fixed_runs),
		cmocka_unit_test(test_bad_text),
		cmocka_unit_test(test_nul_in_token),
		cmocka_unit_test(test_rrsig_time_text),
		cmocka_unit_test(test_ttl_text),
		cmocka_unit_test(test_text_any_size),
		cmocka_unit_test(test_target_and_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
