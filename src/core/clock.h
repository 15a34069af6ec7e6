/* Time and calendar. Times are integer seconds since the Unix epoch (UTC); calendar days are integer days
 * since 1970-01-01 in China Standard Time (UTC+8, no DST), which is how the plan's deadlines are counted. */
#ifndef TUOYU_CLOCK_H
#define TUOYU_CLOCK_H
#include <stdbool.h>
#include <stdint.h>

/* Seconds since the epoch. Tests may pin it with the environment variable TUOYU_FAKE_NOW (seconds). */
int64_t clock_now(void);
/* Real wall-clock milliseconds since the epoch, never pinned by TUOYU_FAKE_NOW: retry delays and timeouts. */
int64_t clock_real_ms(void);
/* The CST calendar day of a time. */
int64_t clock_day_of(int64_t t);
/* The first second (epoch) of CST day d: clock_day_of(clock_day_start(d)) == d. */
int64_t clock_day_start(int64_t d);
/* Days since 1970-01-01 of a proleptic Gregorian date; no validation. */
int64_t date_to_days(int y, int m, int d);
void days_to_date(int64_t days, int *y, int *m, int *d);
/* Parse a strict "YYYY-MM-DD" that names a real date (1900..2999). Returns false otherwise. */
bool date_parse(const char *s, int64_t *days);
/* Format days as "YYYY-MM-DD" into out (at least 11 bytes). Returns out. */
char *date_format(int64_t days, char out[static 11]);
/* 0 = Monday … 6 = Sunday. */
int day_of_week(int64_t days);
/* Working days (Monday–Friday) strictly after from, up to and including to; 0 if to <= from. */
int working_days_between(int64_t from, int64_t to);
/* The day that is n working days after from. */
int64_t add_working_days(int64_t from, int n);

#endif
