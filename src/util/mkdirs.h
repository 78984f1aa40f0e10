/*
 * mkdirs.h - mkdir -p: make a directory and its missing parents, so that a
 * store (`--db var/db`) or a spool (`--spool DIR`) "created if missing" is
 * created where its parent does not exist yet either.
 */
#ifndef LB_UTIL_MKDIRS_H
#define LB_UTIL_MKDIRS_H

#include <sys/types.h>

/* 0 when path is a directory afterwards (made or already there), else -1 with
 * errno.  Parents made are given mode as well. */
int lb_mkdirs(const char *path, mode_t mode);

#endif
