#include "core/clock.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t clock_now(void)
{
    const char *fake = getenv("TUOYU_FAKE_NOW");
    if (fake && *fake) return strtoll(fake, NULL, 10);
    return (int64_t)time(NULL);
}

int64_t clock_real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_day_of(int64_t t)
{
    int64_t s = t + 8 * 3600;
    return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

int64_t clock_day_start(int64_t d)
{
    return d * 86400 - 8 * 3600;
}

/* Howard Hinnant's days_from_civil, valid far beyond the range we accept. */
int64_t date_to_days(int y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void days_to_date(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400) + (*m <= 2);
}

static int days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dim[m - 1];
}

bool date_parse(const char *s, int64_t *days)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return false;
    if (days) *days = date_to_days(y, m, d);
    return true;
}

char *date_format(int64_t days, char out[static 11])
{
    int y, m, d;
    days_to_date(days, &y, &m, &d);
    /* Digits by hand: snprintf("%04d-%02d-%02d") may need 30 bytes for arbitrary ints, which GCC rejects
     * (-Wformat-truncation), and a year outside 0..9999 must not overflow out. Such years wrap. */
    unsigned uy = (unsigned)(y % 10000 + 10000) % 10000;
    out[0] = (char)('0' + uy / 1000);
    out[1] = (char)('0' + uy / 100 % 10);
    out[2] = (char)('0' + uy / 10 % 10);
    out[3] = (char)('0' + uy % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = 0;
    return out;
}

int day_of_week(int64_t days)
{
    /* 1970-01-01 was a Thursday (3). */
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int working_days_between(int64_t from, int64_t to)
{
    int n = 0;
    for (int64_t d = from + 1; d <= to; d++)
        if (day_of_week(d) < 5) n++;
    return n;
}

int64_t add_working_days(int64_t from, int n)
{
    int64_t d = from;
    while (n > 0) {
        d++;
        if (day_of_week(d) < 5) n--;
    }
    return d;
}
