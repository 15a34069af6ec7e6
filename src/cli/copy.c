/* tuoyu copy --from DB --to DB: move a city's data between engines (SQLite ⇄ PostgreSQL) with nothing lost.
 * Every table is copied row by row with its ids, in foreign-key order, inside one transaction on the target;
 * then row counts are compared table by table and the audit chain is verified on the target. */
#include "cli/cli.h"

#include "auth/auth.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/db.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every table of the schema in an order that satisfies the foreign keys. types: one letter per column,
 * i integer, t text, r real, b blob. id: the generated-id column to resynchronise on the target, or NULL.
 * A new table or column must be added here: tests/http compares the counts of every table after a copy. */
static const struct table {
    const char *name, *columns, *types, *id;
    const char
        *order; /* ORDER BY for a table that refers to its own rows (the referenced rows first), or NULL */
} tables[] = {
    {"districts", "code, name, kind, parent_code, population, population_source, sort, version", "ttttitii",
     NULL},
    {"settings", "key, value", "tt", NULL},
    {"institutions",
     "id, uscc, name, legal_form, district_code, address, business_scope, registered_on, authority, state, "
     "version, created_at, updated_at, filing_number, filed_on, current_filing_id, service_types, inclusive, "
     "places, min_age_months, max_age_months, fee_min_fen, lat, lon, provider_kind, closed_on",
     "ittttttittiiitiiiiiiiirrti", "id"},
    {"departments", "code, name, competence, sort", "ttti", NULL},
    {"users",
     "id, username, role, district_code, institution_id, password_hash, disabled, created_at, "
     "department_code, unit_code, authority",
     "itttitiittt", "id"},
    {"sessions", "id, token_hash, user_id, csrf, created_at, expires_at", "ititii", "id"},
    {"api_tokens",
     "id, token_hash, user_id, created_at, revoked_at, name, expires_at, rate_per_minute, rotated_from",
     "itiiitiii", "id"},
    {"audit_head", "id, seq, hash", "iit", NULL},
    {"audit_log", "seq, at, actor_id, actor, role, action, entity, entity_id, before, after, prev_hash, hash",
     "iiittttitttt", NULL},
    {"registrations", "id, uscc, institution_id, authority, payload, received_at, updated_at", "itittii",
     "id"},
    {"institution_history", "id, institution_id, at, actor, action, changes", "iiittt", "id"},
    {"filings",
     "id, institution_id, version, status, dossier, findings, violations, submitted_at, submitted_by, "
     "due_on, "
     "decided_at, decided_by, reason, filing_number",
     "iiitttiiiiiitt", "id"},
    {"files", "sha256, media_type, size, data, created_at", "ttibi", NULL},
    {"filing_attachments", "id, filing_id, kind, sha256, uploaded_at, uploaded_by", "iittii", "id"},
    {"filing_number_seq", "district_code, year, last", "tii", NULL},
    {"staff",
     "id, institution_id, name, id_enc, id_hash, id_masked, role, hired_on, left_on, phone_enc, "
     "phone_masked, "
     "education, experience_years, full_time, version, created_at, updated_at",
     "iitbtttiibttiiiii", "id"},
    {"staff_certificates", "id, staff_id, kind, number, issued_on, expires_on, created_at", "iittiii", "id"},
    {"bans",
     "id, name, id_enc, id_hash, id_masked, kind, ends_on, reason, authority, decision_number, decided_on, "
     "district_code, created_by, created_at, revoked_at",
     "itbtttitttitiii", "id"},
    {"person_credit_records",
     "id, name, id_enc, id_hash, id_masked, kind, description, source, decided_on, created_by, created_at",
     "itbtttttiii", "id"},
    {"ban_checks",
     "id, institution_id, id_hash, id_masked, name, purpose, result, ban_id, checked_by, checked_at",
     "iitttttiii", "id"},
    {"classes", "id, institution_id, name, type, capacity, closed_on, version, created_at, updated_at",
     "iittiiiii", "id"},
    {"class_caregivers", "class_id, staff_id", "ii", NULL},
    {"children",
     "id, institution_id, name, id_enc, id_hash, id_masked, birth_on, sex, class_id, start_on, end_on, "
     "absent_since, version, created_at, updated_at",
     "iitbttitiiiiiii", "id"},
    {"guardians", "id, child_id, name, relation, phone_enc, phone_masked", "iittbt", "id"},
    {"health_checks",
     "id, subject, subject_id, institution_id, kind, checked_on, examiner, result, created_at", "itiititti",
     "id"},
    {"compliance_findings",
     "id, institution_id, rule, subject, severity, clause, message, first_seen, last_seen, resolved_at",
     "iitttttiii", "id"},
    {"checklist_templates", "id, department_code, version, title, items, active, created_at, created_by",
     "itittiii", "id"},
    {"draws",
     "id, title, department_code, district_code, method, seed, institutions_wanted, "
     "inspectors_per_institution, eligible_institutions, eligible_inspectors, planned_on, drawn_at, drawn_by",
     "itttttiiiiiii", "id"},
    {"draw_entries", "draw_id, kind, ref_id, label, score, selected, district_code", "itittit", NULL},
    {"inspections",
     "id, institution_id, department_code, kind, status, template_id, planned_on, inspected_on, draw_id, "
     "complaint_id, summary, result, version, created_at, created_by, updated_at",
     "iitttiiiiittiiii", "id"},
    {"inspection_inspectors", "inspection_id, user_id", "ii", NULL},
    {"inspection_items", "inspection_id, item_code, result, note", "ittt", NULL},
    {"inspection_findings",
     "id, inspection_id, institution_id, item_code, severity, clause, description, found_on, created_at",
     "iiittttii", "id"},
    {"rectification_orders",
     "id, finding_id, institution_id, status, deadline_on, requirement, ordered_at, ordered_by, answered_at, "
     "closed_on, reopened, version, updated_at",
     "iiititiiiiiii", "id"},
    {"rectification_events", "id, order_id, event, text, deadline_on, at, by_user", "iittiii", "id"},
    {"rectification_evidence", "id, order_id, event_id, sha256, filename, uploaded_at, uploaded_by",
     "iiittii", "id"},
    {"incidents",
     "id, institution_id, district_code, type, severity, occurred_at, reported_at, deadline_hours, late, "
     "children_affected, description, actions_taken, status, conclusion, substantiated, closed_at, "
     "closed_by, reported_by, version, updated_at",
     "iitttiiiiittttiiiiii", "id"},
    {"incident_notes", "id, incident_id, kind, text, at, by_user", "iittii", "id"},
    {"complaints",
     "id, number, lookup_hash, institution_id, district_code, category, text, text_hash, contact_name_enc, "
     "contact_phone_enc, contact_phone_masked, anonymous_public, status, received_at, due_on, accepted_at, "
     "accepted_by, answer, answered_at, answered_by, inspection_id, version, updated_at",
     "ittittttbbtitiiiitiiiii", "id"},
    {"complaint_rate", "id, ip_hash, at", "iti", "id"},
    {"captcha_used", "token_hash, expires_at", "ti", NULL},
    {"institution_credit_records",
     "id, institution_id, kind, source, summary, authority, decision_number, decided_on, publicity_from, "
     "publicity_until, status, revoked_reason, revoked_at, revoked_by, created_at, created_by",
     "iitttttiiittiiii", "id"},
    {"fee_schedules", "id, institution_id, service_type, fee_fen, effective_from, created_at, created_by",
     "iitiiii", "id"},
    {"fee_caps",
     "id, district_code, service_type, applies_to, cap_fen, effective_from, basis, created_at, created_by",
     "itttiitii", "id"},
    {"annual_reviews",
     "id, institution_id, year, status, data, narrative, drills, training_hours, submissions, submitted_at, "
     "submitted_by, decided_at, decided_by, reason, version, created_at, updated_at",
     "iiitttiiiiiiitiii", "id"},
    {"institution_changes",
     "id, institution_id, source, status, changes, previous, reason, requested_at, requested_by, decided_at, "
     "decided_by, decision_reason, applied_version",
     "iitttttiiiiti", "id"},
    {"institution_versions", "id, institution_id, version, snapshot, change_id, created_at", "iiitii", "id"},
    {"deregistrations",
     "id, institution_id, kind, status, planned_on, reason, placement_plan, children_enrolled, "
     "decision_number, requested_at, requested_by, decided_at, decided_by, decision_reason",
     "iittittitiiiit", "id"},
    {"quality_templates", "id, version, title, body, indicators, total_points, created_at, created_by",
     "iittiiii", "id"},
    {"quality_assessments",
     "id, institution_id, template_id, status, assessed_on, assessors, total, level, veto, subtotals, "
     "vetoes, version, created_at, created_by, updated_at, published_at, published_by, superseded_by",
     "iiitititittiiiiiii", "id", "id DESC"},
    {"quality_scores", "assessment_id, indicator, points, note", "itit", NULL},
    {"units", "code, name, full_name, kind, member, lead, office, division_code, duties, sort", "ttttiiitti",
     NULL},
    {"plan_tasks",
     "id, number, section_number, section, parent_title, title, text, deadline_on, deadline_text, sort",
     "ittttttiti", "id"},
    {"plan_task_units", "task_id, unit_code, role, position", "itti", NULL},
    {"task_reports",
     "id, task_id, unit_code, period, status, progress, narrative, submitted_at, submitted_by, reviewed_at, "
     "reviewed_by, review_reason, version, created_at, updated_at",
     "iitttttiiiitiii", "id"},
    {"task_report_evidence", "id, report_id, sha256, filename, uploaded_at, uploaded_by", "iittii", "id"},
    {"meetings",
     "id, kind, title, held_on, location, agenda, status, year_seq, minutes, created_at, created_by, "
     "recorded_at, recorded_by, version, updated_at",
     "ittitttitiiiiii", "id"},
    {"meeting_attendees", "meeting_id, unit_code, attended", "iti", NULL},
    {"resolutions",
     "id, meeting_id, number, seq, text, owner_unit, deadline_on, status, done_on, created_at, created_by, "
     "version, updated_at",
     "iitittitiiiii", "id"},
    {"resolution_updates", "id, resolution_id, event, text, unit_code, at, by_user", "iitttii", "id"},
    {"notices", "id, title, body, to_all, created_at, created_by", "ittiii", "id"},
    {"notice_recipients", "notice_id, unit_code, read_at, read_by", "itii", NULL},
    {"subsidies",
     "id, institution_id, year, type, status, amount_applied_fen, places, basis, applied_at, applied_by, "
     "decided_at, decided_by, amount_approved_fen, decision_reason, paid_on, paid_fen, paid_by, version, "
     "updated_at",
     "iiittiitiiiiitiiiii", "id"},
    {"institution_policy",
     "institution_id, utility_residential, liability_until, accident_insurance, training_subsidy, "
     "skill_subsidy, note, confirmed_on, confirmed_by, version, updated_at",
     "iiiiiitiiii", NULL},
    {"institution_policy_history",
     "id, institution_id, version, kind, utility_residential, liability_until, accident_insurance, "
     "training_subsidy, skill_subsidy, note, confirmed_on, at, by_user",
     "iiitiiiiitiii", "id"},
    {"demonstrations",
     "id, institution_id, year, status, statement, score, evaluation_note, evaluated_by, level, "
     "designated_on, decision_number, reason, decided_by, applied_at, applied_by, version, updated_at",
     "iiittititittiiiii", "id"},
    {"assessment_settings", "year, indicator, weight, target, updated_at, updated_by", "itirii", NULL},
    {"assessment_snapshots", "year, scoreboard, frozen_at, frozen_by", "itii", NULL},
    /* Planning, facilities, demand, guidance, exports (issue 7); the change feed, outbox, onboarding (issue
       8). */
    {"district_population",
     "id, district_code, year, residents, births, source, updated_by, created_at, updated_at, version",
     "itiiitiiii", "id"},
    {"planning_snapshots",
     "id, month, district_code, filed_institutions, places, inclusive_places, enrolled, vacancies, "
     "created_at",
     "ittiiiiii", "id"},
    {"communities",
     "id, district_code, code, name, street, kind, urban, has_facility, facility_note, version, created_at, "
     "updated_at",
     "itttttiitiii", "id"},
    {"residential_projects",
     "id, district_code, community_id, name, developer, homes, facility_area_m2, facility_form, status, "
     "handed_to, housing_delivery_day, built_day, accepted_day, handed_over_day, note, version, created_at, "
     "updated_at",
     "itittiitttiiiitiii", "id"},
    {"mother_baby_rooms",
     "id, district_code, name, organisation, place_kind, address, area_m2, status, promoted_by, opened_day, "
     "note, version, created_at, updated_at",
     "itttttittitiii", "id"},
    {"demand_applications",
     "id, ref, lookup_hash, district_code, birth_month, service_type, start_month, guardian_name_enc, "
     "guardian_phone_enc, guardian_phone_hash, guardian_phone_masked, created_at, withdrawn_at",
     "ittttttbbttii", "id"},
    {"demand_choices",
     "id, application_id, institution_id, rank, status, waitlist_position, answered_at, answered_by, note, "
     "version, created_at, updated_at",
     "iiiitiiitiii", "id"},
    {"demand_needs",
     "id, ref, community_id, district_code, birth_month, service_type, start_month, guardian_name_enc, "
     "guardian_phone_enc, guardian_phone_hash, guardian_phone_masked, created_at, closed_at",
     "itittttbbttii", "id"},
    {"demand_rate", "id, ip_hash, at, created_at", "itii", "id"},
    {"guidance_experts",
     "id, name, title, organisation, speciality, district_code, added_by_unit, active, created_by, version, "
     "created_at, updated_at",
     "ittttttiiiii", "id"},
    {"guidance_events",
     "id, title, kind, venue_kind, venue, district_code, institution_id, starts_at, ends_at, capacity, "
     "expert_id, status, description, attended, created_by, version, created_at, updated_at",
     "itttttiiiiittiiiii", "id"},
    {"guidance_signups",
     "id, event_id, ref_code, guardian_name_enc, guardian_phone_enc, name_masked, phone_masked, phone_hash, "
     "children, child_age_band, ip_hash, created_at, cancelled_at",
     "iitbbtttittii", "id"},
    {"guidance_articles",
     "id, title, summary, body, author_unit, status, published_at, created_by, version, created_at, "
     "updated_at",
     "itttttiiiii", "id"},
    {"export_jobs",
     "id, user_id, route, path, query, format, status, rows_done, rows_total, file, filename, error, "
     "created_at, started_at, finished_at, expires_at",
     "iitttttiibttiiii", "id"},
    {"change_events", "id, seq, at, institution_id, district_code, authority, action, institution, changes",
     "iiiittttt", "id"},
    {"change_sequence", "id, last_seq", "ii", NULL},
    {"outbox_receivers",
     "id, name, url, actions, authority, secret_enc, active, from_seq, version, created_at, updated_at",
     "ittttbiiiii", "id"},
    {"outbox_deliveries",
     "receiver_id, seq, institution_id, status, attempts, next_at_ms, last_status, last_error, delivered_at, "
     "created_at",
     "iiitiiitii", NULL},
    {"import_batches",
     "id, sha256, format, encoding, row_count, created, updated, unchanged, filings, by_user, by_name, at, "
     "created_at",
     "itttiiiiiitii", "id"},
    /* API tokens' request log (issue 8, module tokens). */
    {"token_requests", "id, token_id, created_at, method, path, status, duration_ms, client_ip", "iiittiit",
     "id"},
};
#define NTABLES (sizeof tables / sizeof tables[0])

static int ncolumns(const char *columns)
{
    int n = 1;
    for (const char *p = columns; *p; p++)
        n += *p == ',';
    return n;
}

static enum err count_rows(struct db *db, const char *table, int64_t *n)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
    return db_int_query(db, sql, NULL, 0, n);
}

struct copy_ctx {
    struct db *from;
    int64_t copied[NTABLES];
};

/* Copy one table: SELECT every column from the source, INSERT with $1..$n on the target. */
static enum err copy_table(struct db *from, struct db *to, const struct table *t, int64_t *copied)
{
    int n = ncolumns(t->columns);
    if ((int)strlen(t->types) != n) {
        log_msg(LOG_ERROR, "copy: table %s has %d columns but %zu types", t->name, n, strlen(t->types));
        return ERR_INTERNAL;
    }
    char select[1024], insert[1200];
    snprintf(select, sizeof select, "SELECT %s FROM %s%s%s", t->columns, t->name,
             t->order ? " ORDER BY " : "", t->order ? t->order : "");
    int k = snprintf(insert, sizeof insert, "INSERT INTO %s (%s) VALUES (", t->name, t->columns);
    for (int i = 0; i < n; i++)
        k += snprintf(insert + k, sizeof insert - (size_t)k, "%s$%d", i ? ", " : "", i + 1);
    snprintf(insert + k, sizeof insert - (size_t)k, ")");

    struct db_rows *r = NULL;
    enum err e = db_query(from, select, NULL, 0, &r);
    if (e != OK) return e;
    struct db_val *v = xcalloc((size_t)n, sizeof *v);
    int more;
    while ((more = db_next(r)) == 1) {
        for (int i = 0; i < n; i++) {
            if (db_isnull(r, i)) {
                v[i] = DBV_NULL;
                continue;
            }
            switch (t->types[i]) {
            case 'i':
                v[i] = DBV_INT(db_int(r, i));
                break;
            case 'r':
                v[i] = DBV_REAL(db_real(r, i));
                break;
            case 'b': {
                size_t len = 0;
                const void *p = db_blob(r, i, &len);
                v[i] = DBV_BLOB(p, len);
                break;
            }
            default:
                v[i] = DBV_TEXT(db_text(r, i));
            }
        }
        e = db_exec(to, insert, v, n);
        if (e != OK) break;
        (*copied)++;
    }
    if (e == OK && more < 0) e = db_rows_err(r);
    db_done(r);
    free(v);
    if (e == OK && t->id) e = db_sync_ids(to, t->name, t->id);
    return e;
}

static enum err copy_tx(struct db *to, void *p)
{
    struct copy_ctx *c = p;
    /* The migration seeded the reference rows and the audit head; the source's own replace them. */
    enum err e = db_exec(to, "DELETE FROM plan_task_units", NULL, 0);
    if (e == OK) e = db_exec(to, "DELETE FROM plan_tasks", NULL, 0);
    if (e == OK) e = db_exec(to, "DELETE FROM units", NULL, 0);
    if (e == OK) e = db_exec(to, "DELETE FROM checklist_templates", NULL, 0);
    if (e == OK) e = db_exec(to, "DELETE FROM departments", NULL, 0);
    if (e == OK) e = db_exec(to, "DELETE FROM districts", NULL, 0);
    if (e == OK) e = db_exec(to, "DELETE FROM audit_head", NULL, 0);
    if (e == OK) e = db_exec(to, "DELETE FROM change_sequence", NULL, 0);
    for (size_t i = 0; e == OK && i < NTABLES; i++) {
        c->copied[i] = 0;
        e = copy_table(c->from, to, &tables[i], &c->copied[i]);
        if (e != OK) log_msg(LOG_ERROR, "copy: table %s failed (%s)", tables[i].name, err_name(e));
    }
    return e;
}

/* Personal data stays sealed with the source's keys: copy the key file beside a SQLite target, or tell how to
 * point a PostgreSQL target's servers at it. */
static void carry_keys(const char *from_url, const char *to_url)
{
    char src[1024], dst[1024];
    const char *env = getenv("TUOYU_KEY_FILE");
    if (env && *env)
        snprintf(src, sizeof src, "%s", env);
    else if (!strstr(from_url, "://"))
        snprintf(src, sizeof src, "%s.keys", from_url);
    else
        return;
    FILE *in = fopen(src, "rb");
    if (!in) return;
    if (strstr(to_url, "://")) {
        printf("personal data stays sealed with %s: serve the target with TUOYU_KEY_FILE=%s\n", src, src);
        fclose(in);
        return;
    }
    snprintf(dst, sizeof dst, "%s.keys", to_url);
    int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd >= 0) {
        char buf[512];
        size_t n = fread(buf, 1, sizeof buf, in);
        bool ok = write(fd, buf, n) == (ssize_t)n && fsync(fd) == 0;
        close(fd);
        printf(ok ? "key file copied to %s\n" : "could not copy the key file to %s\n", dst);
    }
    fclose(in);
}

int cli_copy(const char *from_url, const char *to_url)
{
    struct db *from = NULL, *to = NULL;
    int rc = 1;
    int version = 0;
    if (db_open_existing(from_url, &from) != OK || db_schema_check(from, &version) != OK) {
        fprintf(stderr, "tuoyu: copy: cannot read %s (is it an up-to-date tuoyu database?)\n", from_url);
        goto done;
    }
    if (db_open(to_url, &to) != OK || db_migrate(to) != OK) {
        fprintf(stderr, "tuoyu: copy: cannot prepare %s\n", to_url);
        goto done;
    }
    int64_t existing = 0, n = 0;
    const char *guard[] = {"institutions", "users", "audit_log", "filings"};
    for (size_t i = 0; i < sizeof guard / sizeof guard[0]; i++) {
        if (count_rows(to, guard[i], &n) != OK) goto done;
        existing += n;
    }
    if (existing) {
        fprintf(stderr, "tuoyu: copy: %s already holds data; copy only into an empty database\n", to_url);
        goto done;
    }
    struct copy_ctx c = {from, {0}};
    db_bulk_mode(to, true);
    enum err e = db_tx(to, copy_tx, &c);
    db_bulk_mode(to, false);
    if (e != OK) {
        fprintf(stderr, "tuoyu: copy failed (%s); the target is unchanged\n", err_name(e));
        goto done;
    }
    int64_t rows = 0;
    for (size_t i = 0; i < NTABLES; i++) {
        int64_t a = 0, b = 0;
        if (count_rows(from, tables[i].name, &a) != OK || count_rows(to, tables[i].name, &b) != OK ||
            a != b) {
            fprintf(stderr, "tuoyu: copy: table %s has %lld rows in the source and %lld in the target\n",
                    tables[i].name, (long long)a, (long long)b);
            goto done;
        }
        printf("  %-20s %lld rows\n", tables[i].name, (long long)b);
        rows += b;
    }
    int64_t checked = 0, bad = 0;
    e = audit_verify(to, &checked, &bad);
    if (e != OK) {
        fprintf(stderr, "tuoyu: copy: the audit chain on the target is broken at entry %lld\n",
                (long long)bad);
        goto done;
    }
    carry_keys(from_url, to_url);
    printf("copy verified: %lld rows in %zu tables, audit chain intact (%lld entries)\n", (long long)rows,
           NTABLES, (long long)checked);
    rc = 0;
done:
    db_close(from);
    db_close(to);
    return rc;
}
