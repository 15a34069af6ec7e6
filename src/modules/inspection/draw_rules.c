/* The method of random draws, "sha256-rank-v1" (see draw.h): scores, ranking and the assignment of
 * inspectors. No I/O; SHA-256 is libsodium's, which is deterministic and needs no initialisation. */
#include "modules/inspection/draw.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const draw_kind_names[] = {"institution", "inspector", NULL};
const char *const draw_severity_names[] = {"low", "medium", "high", "critical", NULL};

bool draw_seed_valid(const char *s)
{
    if (!s) return false;
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f'))) return false;
    return n == DRAW_HEX_LEN;
}

void draw_score(const char *seed, int kind, int64_t id, char out[static DRAW_HEX_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    char text[DRAW_HEX_LEN + 48];
    int n = snprintf(text, sizeof text, "%s:%s:%lld", seed, draw_kind_names[kind], (long long)id);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)text, (unsigned long long)n);
    for (size_t i = 0; i < sizeof h; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[DRAW_HEX_LEN] = 0;
}

static int by_score(const void *pa, const void *pb)
{
    const struct draw_candidate *a = pa, *b = pb;
    int c = strcmp(a->score, b->score);
    if (c) return c;
    return (a->id > b->id) - (a->id < b->id);
}

void draw_sort(struct draw_candidate *c, int count)
{
    if (count <= 0) return;
    qsort(c, (size_t)count, sizeof *c, by_score);
    for (int i = 0; i < count; i++)
        c[i].rank = i;
}

void draw_rank(const char *seed, int kind, struct draw_candidate *c, int count, int n)
{
    for (int i = 0; i < count; i++)
        draw_score(seed, kind, c[i].id, c[i].score);
    draw_sort(c, count);
    for (int i = 0; i < count; i++)
        c[i].selected = i < n;
}

int draw_assign(int i, int j, int k, int m)
{
    if (m < 1 || k < 1 || k > m || j < 0 || j >= k || i < 0) return -1;
    return (int)(((int64_t)i * k + j) % m);
}

static bool same_group(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The index in insp of the pos-th inspector of group (in array order, which is rank order), or -1. */
static int nth_of_group(const struct draw_candidate *insp, int ninsp, const char *group, int pos)
{
    for (int i = 0; i < ninsp; i++)
        if (same_group(insp[i].group, group) && pos-- == 0) return i;
    return -1;
}

static int group_size(const struct draw_candidate *insp, int ninsp, const char *group)
{
    int m = 0;
    for (int i = 0; i < ninsp; i++)
        m += same_group(insp[i].group, group);
    return m;
}

int draw_assign_all(const struct draw_candidate *insts, int ninsts, struct draw_candidate *insp, int ninsp,
                    int k, int *out, const char **short_group)
{
    for (int i = 0; i < ninsts; i++) {
        if (!insts[i].selected) continue;
        if (k < 1 || group_size(insp, ninsp, insts[i].group) < k) {
            if (short_group) *short_group = insts[i].group;
            return -1;
        }
    }
    for (int i = 0; i < ninsp; i++)
        insp[i].selected = false;
    int p = 0;
    for (int i = 0; i < ninsts; i++) {
        if (!insts[i].selected) continue;
        int c = 0; /* drawn institutions of the same district before this one */
        for (int h = 0; h < i; h++)
            c += insts[h].selected && same_group(insts[h].group, insts[i].group);
        int m = group_size(insp, ninsp, insts[i].group);
        for (int j = 0; j < k; j++) {
            int idx = nth_of_group(insp, ninsp, insts[i].group, draw_assign(c, j, k, m));
            out[p * k + j] = idx;
            insp[idx].selected = true;
        }
        p++;
    }
    return p;
}
