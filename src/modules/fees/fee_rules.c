/* Fee rules, pure: which guideline cap applies to an institution, which row of a schedule or of the caps is
 * in effect on a day, and which current fees are above their cap. No I/O: fee_store.c loads rows and calls
 * these; live compliance turns the breaches into "fee_above_cap" findings. */
#include "modules/fees/fees.h"

#include "modules/filing/filing.h"

#include <string.h>

const char *const fee_cap_kind_names[] = {"inclusive", "non_profit", NULL};
const char *const fee_cap_kind_names_zh[] = {"普惠性机构", "非营利性机构", NULL};

/* Social organisations (民办非企业单位) and public institutions (事业单位) are registered as non-profit;
 * enterprises are for-profit (备案办法's registration routes). */
bool fee_non_profit(const char *legal_form)
{
    return legal_form &&
           (strcmp(legal_form, "social_org") == 0 || strcmp(legal_form, "public_institution") == 0);
}

bool fee_cap_applies(int cap_kind, bool inclusive, bool non_profit)
{
    return (cap_kind == CAP_INCLUSIVE && inclusive) || (cap_kind == CAP_NON_PROFIT && non_profit);
}

int fee_current(const struct fee_row *rows, int n, int service_type, int cap_kind, int64_t today)
{
    int best = -1;
    for (int i = 0; i < n; i++) {
        const struct fee_row *r = &rows[i];
        if (r->service_type != service_type || (cap_kind >= 0 && r->cap_kind != cap_kind)) continue;
        if (r->effective_from > today) continue;
        if (best < 0 || r->effective_from > rows[best].effective_from ||
            (r->effective_from == rows[best].effective_from && r->id > rows[best].id))
            best = i;
    }
    return best;
}

int fee_applicable_cap(const struct fee_row *caps, int n, int service_type, bool inclusive, bool non_profit,
                       int64_t today)
{
    int best = -1;
    for (int k = 0; k < CAP__COUNT; k++) {
        if (!fee_cap_applies(k, inclusive, non_profit)) continue;
        int i = fee_current(caps, n, service_type, k, today);
        /* Both kinds apply to an inclusive non-profit institution: the stricter cap binds. */
        if (i >= 0 && (best < 0 || caps[i].fen < caps[best].fen)) best = i;
    }
    return best;
}

int fee_breaches(const struct fee_row *fees, int nfees, const struct fee_row *caps, int ncaps, bool inclusive,
                 bool non_profit, int64_t today, struct cmp_fee_breach *out, int max)
{
    int count = 0;
    for (int t = 0; t < SVC__COUNT; t++) {
        int f = fee_current(fees, nfees, t, -1, today);
        if (f < 0) continue;
        int c = fee_applicable_cap(caps, ncaps, t, inclusive, non_profit, today);
        if (c < 0 || fees[f].fen <= caps[c].fen) continue;
        if (out && count < max)
            out[count] = (struct cmp_fee_breach){.service_type = t,
                                                 .fee_fen = fees[f].fen,
                                                 .cap_fen = caps[c].fen,
                                                 .cap_from = caps[c].effective_from};
        count++;
    }
    return count;
}
