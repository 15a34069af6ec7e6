/* The portal's read model of supervision: inspections, findings and their rectification. */
#include "modules/public/disclosure.h"

#include "core/clock.h"

#include <string.h>

const char *const severity_names[SEV__COUNT] = {"low", "medium", "high", "critical"};
const char *const severity_names_zh[SEV__COUNT] = {"轻微", "一般", "较重", "严重"};
const char *const rect_public_names[RECTP__COUNT] = {"none", "in_progress", "answered", "overdue", "done"};
const char *const rect_public_names_zh[RECTP__COUNT] = {"无需限期整改", "整改中", "已整改待验收",
                                                        "逾期未整改", "已整改"};

#define MAX_LISTED 50

/* Four integer columns into int64_t[4]. */
static void read_four(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    int64_t *c = item;
    for (int i = 0; i < 4; i++)
        c[i] = db_int(r, i);
}

static int severity_index(const char *s)
{
    for (int i = 0; s && i < SEV__COUNT; i++)
        if (strcmp(s, severity_names[i]) == 0) return i;
    return SEV_LOW;
}

/* The public status of a finding from its order's status (NULL: no order), deadline and today. */
static int rect_state(const char *status, int64_t deadline_on, int64_t today)
{
    if (!status) return RECTP_NONE;
    if (strcmp(status, "accepted") == 0) return RECTP_DONE;
    if (today > deadline_on) return RECTP_OVERDUE;
    if (strcmp(status, "answered") == 0) return RECTP_ANSWERED;
    return RECTP_IN_PROGRESS;
}

enum err disclosure_get(struct db *db, struct arena *a, int64_t institution_id, int64_t today,
                        struct disclosure *out)
{
    memset(out, 0, sizeof *out);
    int64_t since = today - 365 * DISCLOSURE_YEARS - 1;
    struct db_rows *r = NULL;
    struct db_val v[] = {DBV_INT(institution_id), DBV_INT(since)};
    enum err e = db_query(db,
                          "SELECT i.inspected_on, d.name, (SELECT COUNT(*) FROM inspections c "
                          "WHERE c.institution_id = $1 AND c.status = 'completed' AND c.inspected_on >= $2) "
                          "FROM inspections i JOIN departments d ON d.code = i.department_code "
                          "WHERE i.institution_id = $1 AND i.status = 'completed' "
                          "ORDER BY i.inspected_on DESC, i.id DESC LIMIT 1",
                          v, 2, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) {
        out->last_inspection_on = db_int(r, 0);
        out->last_inspection_department = db_text_dup(r, 1, a);
        out->inspections = db_int(r, 2);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) return e;

    e = db_query(db,
                 "SELECT f.found_on, f.severity, d.name, f.clause, f.description, o.status, o.deadline_on, "
                 "o.closed_on FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id "
                 "JOIN departments d ON d.code = i.department_code "
                 "LEFT JOIN rectification_orders o ON o.finding_id = f.id "
                 "WHERE f.institution_id = $1 AND f.found_on >= $2 ORDER BY f.found_on DESC, f.id DESC",
                 v, 2, &r);
    if (e != OK) return e;
    out->findings = arena_alloc(a, MAX_LISTED * sizeof *out->findings);
    while ((k = db_next(r)) == 1) {
        int sev = severity_index(db_text(r, 1));
        int64_t deadline = db_isnull(r, 6) ? 0 : db_int(r, 6);
        int st = rect_state(db_isnull(r, 5) ? NULL : db_text(r, 5), deadline, today);
        out->by_severity[sev]++;
        out->by_rect[st]++;
        if (out->nfindings == MAX_LISTED) continue;
        struct disclosed_finding *f = &out->findings[out->nfindings++];
        f->found_on = db_int(r, 0);
        f->severity = sev;
        f->department = db_text_dup(r, 2, a);
        f->clause = db_text_dup(r, 3, a);
        f->description = db_text_dup(r, 4, a);
        f->rect = st;
        f->deadline_on = deadline;
        f->closed_on = db_isnull(r, 7) ? 0 : db_int(r, 7);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) return e;

    /* Incidents count from the day they happened; abuse only once an official closed it as substantiated. */
    struct db_val iv[] = {DBV_INT(institution_id), DBV_INT(clock_day_start(since))};
    e = db_query(
        db,
        "SELECT COUNT(*), "
        "COALESCE(SUM(CASE WHEN severity = 'serious' AND type = 'injury' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN severity = 'death' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN type = 'suspected_abuse' AND status = 'closed' AND substantiated = 1 "
        "THEN 1 ELSE 0 END), 0) FROM incidents WHERE institution_id = $1 AND occurred_at >= $2",
        iv, 2, &r);
    if (e != OK) return e;
    if ((k = db_next(r)) == 1) {
        out->incidents = db_int(r, 0);
        out->incidents_serious = db_int(r, 1);
        out->incidents_deaths = db_int(r, 2);
        out->abuse_substantiated = db_int(r, 3);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) return e;

    /* A complaint is answered on time when its answer came before the end of its due day (CST). */
    struct db_val cv[] = {DBV_INT(institution_id), DBV_INT(clock_day_start(since)), DBV_INT(today)};
    int64_t c[4] = {0, 0, 0, 0};
    e = db_get_one(
        db, NULL,
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'answered' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN status = 'answered' AND answered_at < (due_on + 1) * 86400 - 28800 "
        "THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN status <> 'answered' AND due_on < $3 THEN 1 ELSE 0 END), 0) "
        "FROM complaints WHERE institution_id = $1 AND received_at >= $2",
        cv, 3, read_four, c);
    out->complaints = c[0];
    out->complaints_answered = c[1];
    out->complaints_on_time = c[2];
    out->complaints_overdue = c[3];
    return e;
}
