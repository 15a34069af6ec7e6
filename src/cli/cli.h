/* The command line: tuoyu init|serve|demo|user add|token create|audit verify. A contract with operators'
 * scripts: bad arguments print one line on stderr and exit 2. */
#ifndef TUOYU_CLI_H
#define TUOYU_CLI_H

/* Run the command in argv; returns the process exit status. */
int cli_main(int argc, char **argv);

/* The demo loader (src/modules/demo/demo.c): fills an initialised database with the 十堰 demo and prints
 * the demo accounts. Returns 0 on success. */
struct db;
int demo_load(struct db *db);

/* tuoyu copy (src/cli/copy.c): copy every table from one database into an empty one and verify the counts
 * and the audit chain on the target. Returns the exit status. */
int cli_copy(const char *from_url, const char *to_url);

/* Background jobs of tuoyu serve (src/cli/jobs.c): the daily compliance evaluation, run once at start and
 * then every 24 hours on its own connection. jobs_stop wakes and joins it. */
void jobs_start(const char *db_url);
void jobs_stop(void);

#endif
