#!/usr/bin/env python3
# import_inputs.py KIND N OUT - synthetic inputs for measuring `lookback import`:
#   eve  N Suricata EVE v2 answer records (CNAME + A, detailed and grouped, ~590 bytes)
#   cof  N COF records (two A rdata each, count, bailiwick)
#   zone N A records in one zone file (plus SOA and NS)
import sys, random
kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
random.seed(1)
f = open(out, 'w')
if kind == 'eve':
    for i in range(n):
        h = 'h%d.d%d.example.com' % (i % 5000, i % 977)
        a = '10.%d.%d.%d' % (i >> 16 & 255, i >> 8 & 255, i & 255)
        f.write('{"timestamp":"2024-01-01T00:%02d:%02d.%06d+0000","flow_id":%d,"event_type":"dns","src_ip":"10.0.0.1","src_port":53,"dest_ip":"10.0.0.2","dest_port":40000,"proto":"UDP","dns":{"version":2,"type":"answer","id":%d,"flags":"8180","qr":true,"rd":true,"ra":true,"rrname":"www.%s","rrtype":"A","rcode":"NOERROR","answers":[{"rrname":"www.%s","rrtype":"CNAME","ttl":300,"rdata":"%s"},{"rrname":"%s","rrtype":"A","ttl":60,"rdata":"%s"}],"grouped":{"CNAME":["%s"],"A":["%s"]}}}\n' % (i // 60 % 60, i % 60, i % 1000000, i, i & 65535, h, h, h, h, a, h, a))
elif kind == 'cof':
    for i in range(n):
        h = 'h%d.d%d.example.com.' % (i, i % 977)
        f.write('{"count":%d,"time_first":1600000000,"time_last":%d,"rrname":"%s","rrtype":"A","bailiwick":"example.com.","rdata":["10.%d.%d.%d","192.0.2.%d"]}\n' % (i % 50 + 1, 1600000000 + i, h, i >> 16 & 255, i >> 8 & 255, i & 255, i % 250))
elif kind == 'zone':
    f.write('$ORIGIN example.com.\n$TTL 3600\n@ IN SOA ns1 host 1 7200 900 1209600 300\n  IN NS ns1\n')
    for i in range(n):
        f.write('h%d IN A 10.%d.%d.%d\n' % (i, i >> 16 & 255, i >> 8 & 255, i & 255))
