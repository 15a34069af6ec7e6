/* The storage interface, run the same way on whichever engine TUOYU_TEST_DB names:
 *   TUOYU_TEST_DB=sqlite                        a fresh SQLite file in a temporary directory
 *   TUOYU_TEST_DB=/path/new.db                  a SQLite file that must not exist yet
 *   TUOYU_TEST_DB=postgresql://u@h:p/fresh_db   an empty PostgreSQL database (the caller creates it)
 * Unset: the test is skipped (exit 77). The database is migrated first, then every query below is one SQL
 * text for both engines, as in the rest of tuoyu. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "db/db.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *db_url;
static char tmp_dir[256], tmp_file[300];
static struct db *db;

static bool is_pg(void)
{
    return strcmp(db_dialect(db), "pg") == 0;
}

/* Insert a minimal registered institution; returns its id. */
static int64_t add_inst(const char *uscc, struct db_val lat, struct db_val lon)
{
    struct db_val v[] = {DBV_TEXT(uscc), lat, lon};
    int64_t id = 0;
    enum err e = db_int_query(
        db,
        "INSERT INTO institutions (uscc, name, legal_form, district_code, address, business_scope, "
        "registered_on, authority, state, created_at, updated_at, lat, lon) VALUES ($1, '测试托育', "
        "'company', '420303', '张湾区', '托育服务', 20000, '张湾区市场监督管理局', 'registered', 1, 1, $2, "
        "$3) "
        "RETURNING id",
        v, DB_NPARAMS(v), &id);
    assert_int_equal(e, OK);
    assert_true(id > 0);
    return id;
}

static int64_t count_where_uscc(const char *uscc)
{
    struct db_val v[] = {DBV_TEXT(uscc)};
    int64_t n = -1;
    assert_int_equal(db_int_query(db, "SELECT COUNT(*) FROM institutions WHERE uscc = $1", v, 1, &n), OK);
    return n;
}

/* ---- Values -------------------------------------------------------------------------------------------- */

static void test_schema_check_after_migrate_is_ok(void **state)
{
    (void)state;
    int version = -1;
    assert_int_equal(db_schema_check(db, &version), OK);
    assert_true(version >= 1);            /* schema_check's OK says it is this binary's latest */
    assert_int_equal(db_migrate(db), OK); /* again: nothing to do */
    assert_int_equal(db_schema_check(db, &version), OK);
}

static void test_integers_round_trip_at_the_extremes(void **state)
{
    (void)state;
    const int64_t cases[] = {INT64_MAX, INT64_MIN, -1, 0, 1, -4294967296LL, 4294967296LL};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char key[32];
        snprintf(key, sizeof key, "int-%zu", i);
        struct db_val v[] = {DBV_TEXT(key), DBV_INT(cases[i]), DBV_BLOB("", 0), DBV_INT(-cases[i] / 2)};
        assert_int_equal(db_exec(db,
                                 "INSERT INTO files (sha256, media_type, size, data, created_at) "
                                 "VALUES ($1, 'application/octet-stream', $2, $3, $4)",
                                 v, DB_NPARAMS(v)),
                         OK);
        struct db_rows *r = NULL;
        assert_int_equal(db_query(db, "SELECT size, created_at FROM files WHERE sha256 = $1", v, 1, &r), OK);
        assert_int_equal(db_next(r), 1);
        assert_true(db_int(r, 0) == cases[i]);
        assert_true(db_int(r, 1) == -cases[i] / 2);
        assert_false(db_isnull(r, 0));
        assert_int_equal(db_next(r), 0);
        db_done(r);
        /* As a comparison parameter too. */
        int64_t n = 0;
        struct db_val w[] = {DBV_INT(cases[i]), DBV_TEXT(key)};
        assert_int_equal(
            db_int_query(db, "SELECT COUNT(*) FROM files WHERE size = $1 AND sha256 = $2", w, 2, &n), OK);
        assert_int_equal(n, 1);
    }
}

static void test_text_with_chinese_quotes_and_backslashes_round_trips(void **state)
{
    (void)state;
    const char *texts[] = {
        "十堰市茅箭区“阳光”托育中心",
        "O'Brien \"quoted\" \\backslash\\ 100% _under_ $1 ; -- not a comment /* nor this */",
        "",
        "emoji 👶 and tab\tand newline\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char key[32];
        snprintf(key, sizeof key, "text-%zu", i);
        struct db_val v[] = {DBV_TEXT(key), DBV_TEXT(texts[i])};
        assert_int_equal(db_exec(db,
                                 "INSERT INTO settings (key, value) VALUES ($1, $2) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                 v, 2),
                         OK);
        struct db_rows *r = NULL;
        assert_int_equal(
            db_query(db, "SELECT value, key FROM settings WHERE value = $2 AND key = $1", v, 2, &r), OK);
        assert_int_equal(db_next(r), 1);
        assert_string_equal(db_text(r, 0), texts[i]);
        assert_string_equal(db_text(r, 1), key);
        db_done(r);
    }
}

static void test_null_round_trips_as_null(void **state)
{
    (void)state;
    int64_t id = add_inst("91420303NULLTEST01", DBV_NULL, DBV_NULL);
    struct db_val v[] = {DBV_INT(id), DBV_TEXT(NULL), DBV_NULL};
    assert_int_equal(
        db_exec(db, "UPDATE institutions SET filing_number = $2, filed_on = $3 WHERE id = $1", v, 3), OK);
    struct db_rows *r = NULL;
    assert_int_equal(
        db_query(db, "SELECT filing_number, filed_on, lat, fee_min_fen, name FROM institutions WHERE id = $1",
                 v, 1, &r),
        OK);
    assert_int_equal(db_next(r), 1);
    for (int c = 0; c < 4; c++)
        assert_true(db_isnull(r, c));
    assert_null(db_text(r, 0));
    assert_int_equal(db_int(r, 1), 0);
    assert_false(db_isnull(r, 4));
    db_done(r);
}

static void test_blob_with_nul_bytes_round_trips(void **state)
{
    (void)state;
    static const unsigned char bytes[] = {0, 1, 0, 255, '\\', 'x', '0', 0, 0x7f, 0x80, '\'', 0};
    struct db_val v[] = {DBV_TEXT("blob-1"), DBV_BLOB(bytes, sizeof bytes), DBV_INT(sizeof bytes)};
    assert_int_equal(db_exec(db,
                             "INSERT INTO files (sha256, media_type, size, data, created_at) "
                             "VALUES ($1, 'image/png', $3, $2, 0)",
                             v, 3),
                     OK);
    struct db_rows *r = NULL;
    assert_int_equal(db_query(db, "SELECT data, size, data FROM files WHERE sha256 = $1", v, 1, &r), OK);
    assert_int_equal(db_next(r), 1);
    size_t n = 0, n2 = 0;
    const void *p = db_blob(r, 0, &n);
    assert_int_equal(n, sizeof bytes);
    assert_memory_equal(p, bytes, sizeof bytes);
    /* A second blob column of the same row stays valid alongside the first. */
    const void *p2 = db_blob(r, 2, &n2);
    assert_int_equal(n2, sizeof bytes);
    assert_memory_equal(p, bytes, sizeof bytes);
    assert_memory_equal(p2, bytes, sizeof bytes);
    assert_int_equal(db_int(r, 1), sizeof bytes);
    db_done(r);
}

static void test_real_round_trips_exactly(void **state)
{
    (void)state;
    const double lat = 32.62919283746512, lon = -110.79812345678901;
    int64_t id = add_inst("91420303REALTEST01", DBV_REAL(lat), DBV_REAL(lon));
    struct db_val v[] = {DBV_INT(id), DBV_REAL(lat)};
    struct db_rows *r = NULL;
    assert_int_equal(
        db_query(db, "SELECT lat, lon, lat * 2 FROM institutions WHERE id = $1 AND lat = $2", v, 2, &r), OK);
    assert_int_equal(db_next(r), 1);
    assert_true(db_real(r, 0) == lat);
    assert_true(db_real(r, 1) == lon);
    assert_true(db_real(r, 2) == lat * 2);
    db_done(r);
}

/* ---- Statements ---------------------------------------------------------------------------------------- */

static void test_insert_returning_gives_increasing_ids(void **state)
{
    (void)state;
    int64_t a = add_inst("91420303RETURN0001", DBV_NULL, DBV_NULL);
    int64_t b = add_inst("91420303RETURN0002", DBV_NULL, DBV_NULL);
    assert_true(b > a);
}

static void test_on_conflict_do_nothing_returns_no_row(void **state)
{
    (void)state;
    add_inst("91420303CONFLICT01", DBV_NULL, DBV_NULL);
    struct db_val v[] = {DBV_TEXT("91420303CONFLICT01")};
    struct db_rows *r = NULL;
    assert_int_equal(
        db_query(db,
                 "INSERT INTO institutions (uscc, name, legal_form, district_code, address, "
                 "business_scope, registered_on, authority, state, created_at, updated_at) VALUES "
                 "($1, 'x', 'company', '420303', 'x', 'x', 1, 'x', 'registered', 1, 1) "
                 "ON CONFLICT (uscc) DO NOTHING RETURNING id",
                 v, 1, &r),
        OK);
    assert_int_equal(db_next(r), 0);
    db_done(r);
    assert_int_equal(count_where_uscc("91420303CONFLICT01"), 1);
}

static void test_unique_violation_is_conflict_and_the_connection_goes_on(void **state)
{
    (void)state;
    struct db_val v[] = {DBV_TEXT("dup_user")};
    const char *sql =
        "INSERT INTO users (username, role, password_hash, created_at) VALUES ($1, 'auditor', 'x', 1)";
    assert_int_equal(db_exec(db, sql, v, 1), OK);
    assert_int_equal(db_exec(db, sql, v, 1), ERR_CONFLICT);
    int64_t n = 0;
    assert_int_equal(db_int_query(db, "SELECT COUNT(*) FROM users WHERE username = $1", v, 1, &n), OK);
    assert_int_equal(n, 1);
}

static void test_foreign_key_violation_is_a_db_error(void **state)
{
    (void)state;
    struct db_val v[] = {DBV_TEXT("fk_user"), DBV_TEXT("999999")};
    assert_int_equal(db_exec(db,
                             "INSERT INTO users (username, role, district_code, password_hash, created_at) "
                             "VALUES ($1, 'auditor', $2, 'x', 1)",
                             v, 2),
                     ERR_DB);
}

static void test_changes_counts_rows_of_the_last_write_only(void **state)
{
    (void)state;
    assert_int_equal(db_exec(db, "UPDATE districts SET version = version WHERE kind = 'county'", NULL, 0),
                     OK);
    assert_int_equal(db_changes(db), 4);
    int64_t n = 0;
    assert_int_equal(db_int_query(db, "SELECT COUNT(*) FROM districts", NULL, 0, &n), OK);
    assert_int_equal(db_changes(db), 4); /* a SELECT leaves it alone */
    struct db_val v[] = {DBV_TEXT("nobody")};
    assert_int_equal(db_exec(db, "DELETE FROM users WHERE username = $1", v, 1), OK);
    assert_int_equal(db_changes(db), 0);
    struct db_rows *r = NULL;
    assert_int_equal(db_query(db,
                              "UPDATE districts SET version = version + 1 WHERE kind = 'zone' RETURNING code",
                              NULL, 0, &r),
                     OK);
    int rows = 0;
    while (db_next(r) == 1)
        rows++;
    db_done(r);
    assert_int_equal(rows, 2);
    assert_int_equal(db_changes(db), 2);
}

static void test_int_query_without_a_row_is_not_found(void **state)
{
    (void)state;
    struct db_val v[] = {DBV_TEXT("000000")};
    int64_t n = 42;
    assert_int_equal(db_int_query(db, "SELECT sort FROM districts WHERE code = $1", v, 1, &n), ERR_NOT_FOUND);
    assert_int_equal(n, 42);
}

struct district_item {
    char *code;
    int64_t sort;
};

static void read_district(struct db_rows *r, struct arena *a, void *item)
{
    struct district_item *d = item;
    d->code = db_text_dup(r, 0, a);
    d->sort = db_int(r, 1);
}

static void test_get_one_reads_the_first_row_or_is_not_found(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct district_item d = {0};
    struct db_val v[] = {DBV_TEXT("420303")};
    assert_int_equal(
        db_get_one(db, &a, "SELECT code, sort FROM districts WHERE code = $1", v, 1, read_district, &d), OK);
    assert_string_equal(d.code, "420303");
    assert_int_equal(d.sort, 2);
    struct db_val none[] = {DBV_TEXT("000000")};
    d.sort = 42;
    assert_int_equal(
        db_get_one(db, &a, "SELECT code, sort FROM districts WHERE code = $1", none, 1, read_district, &d),
        ERR_NOT_FOUND);
    assert_int_equal(d.sort, 42);
    arena_free(&a);
}

static void test_get_all_grows_past_its_first_block_and_honours_max(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    /* 10 districts × 10 = 100 rows: the array grows from 16 through 32 and 64 to 128. */
    const char *sql = "SELECT d.code, d.sort * 100 + e.sort FROM districts d CROSS JOIN districts e "
                      "ORDER BY d.sort, e.sort";
    struct district_item *items = NULL;
    int n = -1;
    assert_int_equal(db_get_all(db, &a, sql, NULL, 0, read_district, sizeof *items, 0, (void **)&items, &n),
                     OK);
    assert_int_equal(n, 100);
    assert_int_equal(items[0].sort, 101);
    assert_int_equal(items[99].sort, 1010);
    assert_string_equal(items[99].code, "420392");
    assert_int_equal(db_get_all(db, &a, sql, NULL, 0, read_district, sizeof *items, 7, (void **)&items, &n),
                     OK);
    assert_int_equal(n, 7);
    struct db_val none[] = {DBV_TEXT("000000")};
    assert_int_equal(db_get_all(db, &a, "SELECT code, sort FROM districts WHERE code = $1", none, 1,
                                read_district, sizeof *items, 0, (void **)&items, &n),
                     OK);
    assert_int_equal(n, 0);
    assert_null(items);
    arena_free(&a);
}

static void test_nested_cursors_with_the_same_text(void **state)
{
    (void)state;
    const char *sql = "SELECT code, sort FROM districts WHERE sort >= $1 ORDER BY sort";
    struct db_val one[] = {DBV_INT(1)};
    struct db_rows *outer = NULL;
    assert_int_equal(db_query(db, sql, one, 1, &outer), OK);
    int outer_rows = 0, inner_total = 0;
    while (db_next(outer) == 1) {
        outer_rows++;
        struct db_val from[] = {DBV_INT(db_int(outer, 1))};
        struct db_rows *inner = NULL;
        assert_int_equal(db_query(db, sql, from, 1, &inner), OK);
        while (db_next(inner) == 1)
            inner_total++;
        db_done(inner);
        /* The outer cursor's row is intact after the inner one ran. */
        assert_int_equal(db_int(outer, 1), outer_rows);
    }
    db_done(outer);
    assert_int_equal(outer_rows, 10);
    assert_int_equal(inner_total, 10 * 11 / 2);
}

static void test_more_params_than_the_text_uses_are_ignored(void **state)
{
    (void)state;
    struct db_val v[] = {DBV_TEXT("420303"), DBV_REAL(1.5), DBV_TEXT("420302"), DBV_INT(7), DBV_BLOB("a", 1)};
    int64_t n = 0;
    assert_int_equal(db_int_query(db, "SELECT COUNT(*) FROM districts WHERE code = $1", v, 5, &n), OK);
    assert_int_equal(n, 1);
    /* A gap: $2 is not used, $3 is. */
    assert_int_equal(
        db_int_query(db, "SELECT COUNT(*) FROM districts WHERE code = $1 OR code = $3", v, 5, &n), OK);
    assert_int_equal(n, 2);
    /* "$2" inside a string literal is not a parameter. */
    assert_int_equal(
        db_int_query(db, "SELECT COUNT(*) FROM districts WHERE code = $1 OR name = '$2'", v, 2, &n), OK);
    assert_int_equal(n, 1);
}

static void test_cast_is_null_makes_filters_optional(void **state)
{
    (void)state;
    const char *sql = "SELECT COUNT(*) FROM districts WHERE (CAST($1 AS TEXT) IS NULL OR kind = $1) "
                      "AND (CAST($2 AS BIGINT) IS NULL OR sort <= $2)";
    const struct {
        const char *kind;
        int64_t max_sort; /* -1: no filter */
        int64_t want;
    } cases[] = {
        {NULL, -1, 10}, {"county", -1, 4}, {NULL, 3, 3}, {"district", 2, 2}, {"zone", 3, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct db_val v[] = {DBV_TEXT(cases[i].kind),
                             cases[i].max_sort >= 0 ? DBV_INT(cases[i].max_sort) : DBV_NULL};
        int64_t n = -1;
        assert_int_equal(db_int_query(db, sql, v, 2, &n), OK);
        if (n != cases[i].want)
            fail_msg("case %zu: %lld rows, want %lld", i, (long long)n, (long long)cases[i].want);
    }
}

static void test_bulk_mode_switches_on_and_off(void **state)
{
    (void)state;
    assert_int_equal(db_bulk_mode(db, true), OK);
    add_inst("91420303BULKMODE01", DBV_NULL, DBV_NULL);
    assert_int_equal(db_bulk_mode(db, false), OK);
    assert_int_equal(count_where_uscc("91420303BULKMODE01"), 1);
}

static void test_sync_ids_moves_the_next_id_past_explicit_ones(void **state)
{
    (void)state;
    assert_int_equal(
        db_exec(db,
                "INSERT INTO institutions (id, uscc, name, legal_form, district_code, address, "
                "business_scope, registered_on, authority, state, created_at, updated_at) VALUES "
                "(100000, '91420303EXPLICIT01', 'x', 'company', '420303', 'x', 'x', 1, 'x', "
                "'registered', 1, 1)",
                NULL, 0),
        OK);
    assert_int_equal(db_sync_ids(db, "institutions", "id"), OK);
    assert_true(add_inst("91420303AFTERSYNC1", DBV_NULL, DBV_NULL) > 100000);
    assert_int_equal(db_sync_ids(db, "institutions; DROP TABLE users", "id"), ERR_INTERNAL);
    assert_int_equal(db_sync_ids(db, "institutions", "Id"), ERR_INTERNAL);
    assert_int_equal(db_sync_ids(db, "", "id"), ERR_INTERNAL);
}

/* ---- Transactions -------------------------------------------------------------------------------------- */

struct tx_ctx {
    const char *uscc;
    int calls;
    int soft_failures; /* return ERR_DB_SOFT this many times first */
    enum err result;   /* then return this */
};

static enum err insert_tx(struct db *d, void *p)
{
    struct tx_ctx *c = p;
    c->calls++;
    struct db_val v[] = {DBV_TEXT(c->uscc)};
    enum err e = db_exec(d,
                         "INSERT INTO institutions (uscc, name, legal_form, district_code, address, "
                         "business_scope, registered_on, authority, state, created_at, updated_at) VALUES "
                         "($1, 'x', 'company', '420303', 'x', 'x', 1, 'x', 'registered', 1, 1)",
                         v, 1);
    if (e != OK) return e;
    if (c->soft_failures > 0) {
        c->soft_failures--;
        return ERR_DB_SOFT;
    }
    return c->result;
}

static void test_tx_commits_when_fn_succeeds(void **state)
{
    (void)state;
    struct tx_ctx c = {.uscc = "91420303TXCOMMIT01", .result = OK};
    assert_int_equal(db_tx(db, insert_tx, &c), OK);
    assert_int_equal(c.calls, 1);
    assert_int_equal(count_where_uscc(c.uscc), 1);
}

static void test_tx_failing_fn_leaves_nothing_behind(void **state)
{
    (void)state;
    struct tx_ctx c = {.uscc = "91420303TXROLLBK01", .result = ERR_VALIDATION};
    assert_int_equal(db_tx(db, insert_tx, &c), ERR_VALIDATION);
    assert_int_equal(c.calls, 1);
    assert_int_equal(count_where_uscc(c.uscc), 0);
}

static void test_tx_retries_a_soft_error_and_commits_once(void **state)
{
    (void)state;
    struct tx_ctx c = {.uscc = "91420303TXRETRY001", .soft_failures = 1, .result = OK};
    assert_int_equal(db_tx(db, insert_tx, &c), OK);
    assert_int_equal(c.calls, 2);
    assert_int_equal(count_where_uscc(c.uscc), 1);
}

static void test_tx_gives_up_after_repeated_soft_errors(void **state)
{
    (void)state;
    struct tx_ctx c = {.uscc = "91420303TXGIVEUP01", .soft_failures = 100, .result = OK};
    assert_int_equal(db_tx(db, insert_tx, &c), ERR_DB_SOFT);
    assert_int_equal(c.calls, 6);
    assert_int_equal(count_where_uscc(c.uscc), 0);
}

/* A statement error inside a transaction (on PostgreSQL it aborts the transaction) rolls it all back and
 * leaves the connection usable. */
static void test_tx_with_a_conflict_inside_rolls_back_and_the_connection_goes_on(void **state)
{
    (void)state;
    struct tx_ctx c = {.uscc = "91420303TXCONFL001", .result = OK};
    assert_int_equal(db_tx(db, insert_tx, &c), OK);
    c.calls = 0;
    assert_int_equal(db_tx(db, insert_tx, &c), ERR_CONFLICT);
    assert_int_equal(c.calls, 1);
    assert_int_equal(count_where_uscc(c.uscc), 1);
    struct tx_ctx d = {.uscc = "91420303TXCONFL002", .result = OK};
    assert_int_equal(db_tx(db, insert_tx, &d), OK);
    assert_int_equal(count_where_uscc(d.uscc), 1);
}

/* A full disk (SQLite: the database may not grow past max_page_count, which SQLite reports as SQLITE_FULL,
 * exactly as for ENOSPC) is ERR_DB_FULL, not retried; the transaction leaves nothing behind and the
 * connection goes on, for reads at once and for writes when space returns. */
static enum err full_tx(struct db *d, void *p)
{
    int *calls = p;
    (*calls)++;
    enum err e =
        db_exec(d,
                "INSERT INTO institutions (uscc, name, legal_form, district_code, address, "
                "business_scope, registered_on, authority, state, created_at, updated_at) VALUES "
                "('91420303TXFULL0001', 'x', 'company', '420303', 'x', 'x', 1, 'x', 'registered', 1, 1)",
                NULL, 0);
    static char big[256 * 1024];
    memset(big, 'x', sizeof big - 1);
    struct db_val v[] = {DBV_TEXT(big)};
    if (e == OK)
        e = db_exec(d,
                    "INSERT INTO institutions (uscc, name, legal_form, district_code, address, "
                    "business_scope, registered_on, authority, state, created_at, updated_at) VALUES "
                    "('91420303TXFULL0002', 'x', 'company', '420303', 'x', $1, 1, 'x', 'registered', 1, 1)",
                    v, 1);
    return e;
}

static void test_sqlite_full_disk_is_storage_full_and_the_connection_goes_on(void **state)
{
    (void)state;
    if (is_pg()) skip();
    int64_t pages = 0;
    assert_int_equal(db_int_query(db, "PRAGMA page_count", NULL, 0, &pages), OK);
    char limit[64];
    snprintf(limit, sizeof limit, "PRAGMA max_page_count = %lld", (long long)pages + 2);
    assert_int_equal(db_exec_script(db, limit), OK);
    int calls = 0;
    assert_int_equal(db_tx(db, full_tx, &calls), ERR_DB_FULL);
    assert_int_equal(calls, 1);
    assert_int_equal(count_where_uscc("91420303TXFULL0001"), 0);
    assert_int_equal(count_where_uscc("91420303TXFULL0002"), 0);
    assert_int_equal(db_exec_script(db, "PRAGMA max_page_count = 1073741823"), OK);
    assert_int_equal(db_tx(db, full_tx, &calls), OK);
    assert_int_equal(count_where_uscc("91420303TXFULL0002"), 1);
}

/* PostgreSQL's disk_full (SQLSTATE 53100), raised here by hand, is the same ERR_DB_FULL; the connection goes
 * on. */
static void test_pg_disk_full_is_storage_full(void **state)
{
    (void)state;
    if (!is_pg()) skip();
    assert_int_equal(
        db_exec(db, "DO $$ BEGIN RAISE EXCEPTION 'no space' USING ERRCODE = 'disk_full'; END $$", NULL, 0),
        ERR_DB_FULL);
    int64_t one = 0;
    assert_int_equal(db_int_query(db, "SELECT 1", NULL, 0, &one), OK);
    assert_int_equal(one, 1);
}

/* ---- The audit chain ----------------------------------------------------------------------------------- */

static enum err audit_three_tx(struct db *d, void *p)
{
    (void)p;
    enum err e = audit_append(d, NULL, "test.one", "institution", 1, NULL, "{\"x\":1}");
    if (e == OK) e = audit_append(d, NULL, "test.two", "institution", 2, "{\"x\":1}", "{\"名称\":\"十堰\"}");
    if (e == OK) e = audit_append(d, NULL, "test.three", "institution", 3, "{\"x\":2}", NULL);
    return e;
}

static void test_audit_chain_verifies_and_pinpoints_a_tampered_entry(void **state)
{
    (void)state;
    assert_int_equal(db_tx(db, audit_three_tx, NULL), OK);
    int64_t checked = 0, bad = 0;
    assert_int_equal(audit_verify(db, &checked, &bad), OK);
    assert_int_equal(checked, 3);
    assert_int_equal(bad, 0);
    assert_int_equal(db_exec(db, "UPDATE audit_log SET after = '{\"名称\":\"改过\"}' WHERE seq = 2", NULL, 0),
                     OK);
    assert_int_equal(db_changes(db), 1);
    assert_int_equal(audit_verify(db, &checked, &bad), ERR_STATE);
    assert_int_equal(bad, 2);
}

/* ---- Opening ------------------------------------------------------------------------------------------- */

static void test_opening_a_missing_database_is_not_found(void **state)
{
    (void)state;
    char url[1024];
    if (is_pg()) {
        /* Same server, another database name. */
        const char *q = strchr(db_url + 13, '?');
        size_t base = q ? (size_t)(q - db_url) : strlen(db_url);
        const char *slash = db_url + base;
        while (slash > db_url && *slash != '/')
            slash--;
        snprintf(url, sizeof url, "%.*stuoyu_no_such_database%s", (int)(slash - db_url + 1), db_url,
                 q ? q : "");
    } else {
        snprintf(url, sizeof url, "%s/no-such-dir/missing.db", tmp_dir[0] ? tmp_dir : "/nonexistent");
    }
    struct db *other = NULL;
    assert_int_equal(db_open_existing(url, &other), ERR_NOT_FOUND);
    assert_null(other);
}

/* ---- PostgreSQL: the server kills the session ---------------------------------------------------------- */

/* Kill db's backend from another connection and wait until it is gone, as a server restart would. */
static void kill_backend(struct db *d)
{
    int64_t pid = 0;
    assert_int_equal(db_int_query(d, "SELECT pg_backend_pid()", NULL, 0, &pid), OK);
    struct db *killer = NULL;
    assert_int_equal(db_open_existing(db_url, &killer), OK);
    struct db_val v[] = {DBV_INT(pid)};
    assert_int_equal(db_exec(killer, "SELECT pg_terminate_backend(CAST($1 AS INTEGER))", v, 1), OK);
    int64_t alive = 1;
    for (int i = 0; i < 500 && alive; i++) {
        assert_int_equal(
            db_int_query(killer, "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1", v, 1, &alive), OK);
        if (alive) nanosleep(&(struct timespec){0, 10000000L}, NULL);
    }
    assert_int_equal(alive, 0);
    db_close(killer);
}

static void test_pg_statement_after_the_session_died_is_retried_transparently(void **state)
{
    (void)state;
    if (!is_pg()) skip();
    int64_t n = 0;
    assert_int_equal(db_int_query(db, "SELECT COUNT(*) FROM districts", NULL, 0, &n), OK);
    kill_backend(db);
    n = 0;
    assert_int_equal(db_int_query(db, "SELECT COUNT(*) FROM districts", NULL, 0, &n), OK); /* re-prepared */
    assert_int_equal(n, 10);
}

struct kill_ctx {
    int calls;
    enum err after_kill[2]; /* what the statements after the kill returned in the first run */
};

static enum err kill_tx(struct db *d, void *p)
{
    struct kill_ctx *c = p;
    struct db_val v[] = {DBV_TEXT("91420303KILLEDTX01")};
    const char *sql = "INSERT INTO institutions (uscc, name, legal_form, district_code, address, "
                      "business_scope, registered_on, authority, state, created_at, updated_at) VALUES "
                      "($1, 'x', 'company', '420303', 'x', 'x', 1, 'x', 'registered', 1, 1)";
    if (++c->calls == 1) {
        kill_backend(d);
        c->after_kill[0] = db_exec(d, sql, v, 1);
        /* A careless fn that goes on must not write outside the transaction on the new connection. */
        c->after_kill[1] = db_exec(d, sql, v, 1);
        return c->after_kill[0];
    }
    return db_exec(d, sql, v, 1);
}

static void test_pg_transaction_whose_session_died_runs_again_from_begin(void **state)
{
    (void)state;
    if (!is_pg()) skip();
    struct kill_ctx c = {0};
    assert_int_equal(db_tx(db, kill_tx, &c), OK);
    assert_int_equal(c.calls, 2);
    assert_int_equal(c.after_kill[0], ERR_DB_SOFT);
    assert_int_equal(c.after_kill[1], ERR_DB_SOFT);
    assert_int_equal(count_where_uscc("91420303KILLEDTX01"), 1);
}

/* ---- Set-up -------------------------------------------------------------------------------------------- */

static void remove_tmp(void)
{
    if (!tmp_file[0]) return;
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[320];
        snprintf(p, sizeof p, "%s%s", tmp_file, suffixes[i]);
        unlink(p);
    }
    rmdir(tmp_dir);
}

static int group_setup(void **state)
{
    (void)state;
    if (auth_init() != OK) return -1;
    if (db_open(db_url, &db) != OK) {
        fprintf(stderr, "cannot open %s\n", db_url);
        return -1;
    }
    int version = -1;
    enum err e = db_schema_check(db, &version);
    if (version != 0) {
        fprintf(stderr, "TUOYU_TEST_DB is not empty (schema version %d, %s): give a fresh database\n",
                version, e == OK ? "ok" : "other");
        return -1;
    }
    return db_migrate(db) == OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

int main(void)
{
    const char *env = getenv("TUOYU_TEST_DB");
    if (!env || !*env) {
        printf("SKIP: set TUOYU_TEST_DB to sqlite, a new SQLite file path or a postgresql:// URL of an empty "
               "database\n");
        return 77;
    }
    bool pg = strncmp(env, "postgresql://", 13) == 0 || strncmp(env, "postgres://", 11) == 0;
    if (pg) {
        db_url = env;
    } else if (strcmp(env, "sqlite") == 0) {
        const char *t = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof tmp_dir, "%s/tuoyu-store-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmp_dir)) {
            perror("mkdtemp");
            return 1;
        }
        snprintf(tmp_file, sizeof tmp_file, "%s/store.db", tmp_dir);
        atexit(remove_tmp);
        db_url = tmp_file;
    } else {
        struct stat st;
        if (stat(env, &st) == 0) {
            fprintf(stderr, "TUOYU_TEST_DB=%s exists: give a path that does not, or 'sqlite'\n", env);
            return 1;
        }
        db_url = env;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_check_after_migrate_is_ok),
        cmocka_unit_test(test_integers_round_trip_at_the_extremes),
        cmocka_unit_test(test_text_with_chinese_quotes_and_backslashes_round_trips),
        cmocka_unit_test(test_null_round_trips_as_null),
        cmocka_unit_test(test_blob_with_nul_bytes_round_trips),
        cmocka_unit_test(test_real_round_trips_exactly),
        cmocka_unit_test(test_insert_returning_gives_increasing_ids),
        cmocka_unit_test(test_on_conflict_do_nothing_returns_no_row),
        cmocka_unit_test(test_unique_violation_is_conflict_and_the_connection_goes_on),
        cmocka_unit_test(test_foreign_key_violation_is_a_db_error),
        cmocka_unit_test(test_changes_counts_rows_of_the_last_write_only),
        cmocka_unit_test(test_int_query_without_a_row_is_not_found),
        cmocka_unit_test(test_get_one_reads_the_first_row_or_is_not_found),
        cmocka_unit_test(test_get_all_grows_past_its_first_block_and_honours_max),
        cmocka_unit_test(test_nested_cursors_with_the_same_text),
        cmocka_unit_test(test_more_params_than_the_text_uses_are_ignored),
        cmocka_unit_test(test_cast_is_null_makes_filters_optional),
        cmocka_unit_test(test_bulk_mode_switches_on_and_off),
        cmocka_unit_test(test_sync_ids_moves_the_next_id_past_explicit_ones),
        cmocka_unit_test(test_tx_commits_when_fn_succeeds),
        cmocka_unit_test(test_tx_failing_fn_leaves_nothing_behind),
        cmocka_unit_test(test_tx_retries_a_soft_error_and_commits_once),
        cmocka_unit_test(test_tx_gives_up_after_repeated_soft_errors),
        cmocka_unit_test(test_tx_with_a_conflict_inside_rolls_back_and_the_connection_goes_on),
        cmocka_unit_test(test_sqlite_full_disk_is_storage_full_and_the_connection_goes_on),
        cmocka_unit_test(test_pg_disk_full_is_storage_full),
        cmocka_unit_test(test_audit_chain_verifies_and_pinpoints_a_tampered_entry),
        cmocka_unit_test(test_opening_a_missing_database_is_not_found),
        cmocka_unit_test(test_pg_statement_after_the_session_died_is_retried_transparently),
        cmocka_unit_test(test_pg_transaction_whose_session_died_runs_again_from_begin),
    };
    return cmocka_run_group_tests_name(pg ? "store (postgresql)" : "store (sqlite)", tests, group_setup,
                                       group_teardown);
}
