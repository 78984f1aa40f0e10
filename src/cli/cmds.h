/*
 * cmds.h - the lookback subcommands.  Each takes the arguments after its name
 * (argv[0] is the subcommand name) and returns the process exit status:
 *   0 success / results, 1 no results (query), 2 usage or input error,
 *   3 store or I/O error.
 */
#ifndef LB_CLI_CMDS_H
#define LB_CLI_CMDS_H

#include <stdbool.h>

enum { LB_EXIT_OK = 0, LB_EXIT_EMPTY = 1, LB_EXIT_USAGE = 2, LB_EXIT_STORE = 3 };

int lb_cmd_capture(int argc, char **argv);
int lb_cmd_export(int argc, char **argv);
int lb_cmd_gen(int argc, char **argv);
int lb_cmd_import(int argc, char **argv);
int lb_cmd_query(int argc, char **argv);
int lb_cmd_serve(int argc, char **argv);
int lb_cmd_stats(int argc, char **argv);
int lb_cmd_tap(int argc, char **argv);

/* Seconds on the monotonic clock, for progress lines' rates (main.c). */
double lb_cli_mono(void);

/* At a command's end: stdout flushed; if it could not be written, say so and
 * return 3 (a usage error's 2 stays), else rc (main.c). */
int lb_cli_out_rc(const char *prog, int rc);

/* Before a store is opened or created for them: every input file of names[0..n)
 * but '-' exists, is not a directory and can be read.  Otherwise says which
 * and why, and returns -1 (a usage error: nothing is read, no store made). */
int lb_cli_check_inputs(const char *prog, const char *const *names, int n);

/* run(argc, argv, files) with files room for argc file names (the -r files
 * and the operands after the options of capture and tap); 3 when out of
 * memory (main.c). */
int lb_cli_with_files(const char *prog, int argc, char **argv,
		      int (*run)(int argc, char **argv, const char **files));
/* After the options: the operands argv[optind..] are more files when -r gave
 * *nfiles > 0 (else an unexpected argument); no empty name; standard input
 * ('-') at most once, *nstdin = whether it is there.  -1 = said, a usage
 * error (what = "capture", "dnstap"). */
int lb_cli_files_end(const char *prog, const char *what, int argc, char **argv, int optind,
		     const char **files, int *nfiles, int *nstdin);

/* lb_store_compact(s) of the store at db, with a progress line on stderr once
 * a second and a last line with the sizes when progress (a terminal); the
 * error code (main.c). */
struct lb_store;
int lb_cli_compact(struct lb_store *s, const char *db, bool progress);

#endif
