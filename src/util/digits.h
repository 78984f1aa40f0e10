/*
 * digits.h - the value of one hex digit (either case) or one base64 digit
 * (RFC 4648 4, the standard alphabet), or -1: shared by the rdata parser,
 * the query and HTTP parsers and the importers.
 */
#ifndef LB_UTIL_DIGITS_H
#define LB_UTIL_DIGITS_H

static inline int lb_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline int lb_b64_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	return c == '/' ? 63 : -1;
}

#endif
