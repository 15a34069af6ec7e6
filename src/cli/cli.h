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

#endif
