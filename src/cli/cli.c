#include "cli/cli.h"
#include "cli/gen.h"

#include "auth/auth.h"
#include "auth/pii.h"
#include "modules/cases/cases.h"
#include "modules/imports/imports.h"
#include "modules/compliance/compliance.h"
#include "modules/people/bans.h"
#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "db/db_backup.h"
#include "export/export.h"
#include "modules/exchange/exchange.h"
#include "http/http.h"
#include "modules/reference/settings.h"
#include "modules/tokens/tokens.h"
#include "core/clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

struct opts {
    const char *db, *admin, *password_file, *listen, *username, *role, *district, *department, *unit,
        *institution, *user;
    const char *authority, *name, *expires_days, *id;
    const char *threads, *per_ip_limit, *timeout, *request_deadline, *jobs, *from, *to, *out;
};

static const char usage[] =
    "usage:\n"
    "  tuoyu init   --db DB [--admin NAME --password-file FILE]\n"
    "  tuoyu serve  --db DB [--listen 127.0.0.1:8080] [--threads N] [--per-ip-limit N] [--timeout SECONDS]\n"
    "               [--request-deadline SECONDS]   cut a connection idle for --timeout (30 s), or not done\n"
    "               sending a whole request within --request-deadline (60 s) of connecting or its last "
    "answer\n"
    "               [--jobs on|off]   off: no daily jobs in this process (another server of the same\n"
    "               database runs them)\n"
    "  tuoyu demo   --db DB\n"
    "  tuoyu gen    --db DB --scale city|province|national --seed N   synthetic data at scale (empty DB)\n"
    "  tuoyu user add --db DB --username U --role ROLE [--district CODE] [--department CODE] [--unit CODE]\n"
    "                 [--institution ID] [--authority CODE] --password-file FILE\n"
    "                 (inspectors: health|fire|police|market|...; registrars need --authority\n"
    "                 market|civil|bianban|approval, or all for an account of every authority)\n"
    "  tuoyu token create --db DB --user U [--name LABEL] [--expires-days N]\n"
    "  tuoyu token rotate --db DB --id N               new token; the old one works for "
    "rotate_grace_seconds\n"
    "  tuoyu token list   --db DB\n"
    "  tuoyu audit verify --db DB\n"
    "  tuoyu compliance run --db DB                    re-evaluate every institution's compliance now\n"
    "  tuoyu copy   --from DB --to DB                  copy everything into an empty database and verify it\n"
    "  tuoyu backup --db DB --out FILE                 consistent online backup of a SQLite database\n"
    "  tuoyu import institutions --db DB --file F [--dry-run] [--format csv|jsonl]\n"
    "                                                  onboard existing institutions (exit 1 on bad rows)\n"
    "  tuoyu routes                                    the route table as JSON (roles, flags)\n"
    "DB is a SQLite file path or a postgresql://user@host:port/dbname URL.\n";

static int bad(const char *msg, const char *arg)
{
    fprintf(stderr, "tuoyu: %s%s%s (try: tuoyu --help)\n", msg, arg ? ": " : "", arg ? arg : "");
    return EXIT_USAGE;
}

/* Parse --name value pairs into o; allowed is a space-separated list of option names. */
static int parse(int argc, char **argv, const char *allowed, struct opts *o)
{
    struct {
        const char *name;
        const char **dst;
    } table[] = {{"db", &o->db},
                 {"admin", &o->admin},
                 {"password-file", &o->password_file},
                 {"listen", &o->listen},
                 {"username", &o->username},
                 {"role", &o->role},
                 {"district", &o->district},
                 {"department", &o->department},
                 {"unit", &o->unit},
                 {"institution", &o->institution},
                 {"user", &o->user},
                 {"threads", &o->threads},
                 {"per-ip-limit", &o->per_ip_limit},
                 {"timeout", &o->timeout},
                 {"request-deadline", &o->request_deadline},
                 {"jobs", &o->jobs},
                 {"from", &o->from},
                 {"to", &o->to},
                 {"out", &o->out},
                 {"authority", &o->authority},
                 {"name", &o->name},
                 {"expires-days", &o->expires_days},
                 {"id", &o->id}};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) return bad("unexpected argument", a);
        const char *name = a + 2, *value = NULL;
        char buf[64];
        const char *eq = strchr(name, '=');
        if (eq) {
            snprintf(buf, sizeof buf, "%.*s", (int)(eq - name), name);
            name = buf;
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            return bad("missing value for option", a);
        }
        char key[80];
        snprintf(key, sizeof key, " %s ", name);
        char list[256];
        snprintf(list, sizeof list, " %s ", allowed);
        if (!strstr(list, key)) return bad("unknown option", a);
        for (size_t t = 0; t < sizeof table / sizeof table[0]; t++)
            if (strcmp(table[t].name, name) == 0) *table[t].dst = value;
        if (!*value) return bad("empty value for option", a);
    }
    return 0;
}

/* Read a password from the first line of a file (trailing newline removed). */
static int read_password(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "tuoyu: cannot read password file %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    if (!fgets(out, (int)size, f)) out[0] = 0;
    fclose(f);
    out[strcspn(out, "\r\n")] = 0;
    if (strlen(out) < 10) {
        fprintf(stderr, "tuoyu: password in %s must be at least 10 characters\n", path);
        return EXIT_USAGE;
    }
    return 0;
}

static int open_db(const char *url, struct db **db, bool migrate)
{
    enum err oe = migrate ? db_open(url, db) : db_open_existing(url, db);
    char shown[512];
    db_url_redacted(url, shown, sizeof shown);
    bool pg = strstr(url, "://") != NULL;
    if (oe == ERR_NOT_FOUND) {
        fprintf(stderr, "tuoyu: no database at %s (%s)\n", shown,
                pg ? "create it with createdb, then run tuoyu init" : "create it with tuoyu init");
        return 1;
    }
    if (oe != OK) {
        fprintf(stderr, "tuoyu: cannot open database %s\n", shown);
        return 1;
    }
    int version = 0;
    enum err e = migrate ? db_migrate(*db) : db_schema_check(*db, &version);
    if (e == ERR_SCHEMA_NEWER) {
        fprintf(stderr, "tuoyu: the database schema is newer than this program; upgrade tuoyu\n");
    } else if (e == ERR_STATE) {
        fprintf(stderr,
                "tuoyu: the database schema (version %d) is older than this program; run tuoyu init\n",
                version);
    } else if (e != OK) {
        fprintf(stderr, "tuoyu: database error (%s)\n", err_name(e));
    }
    if (e != OK) {
        db_close(*db);
        *db = NULL;
        return 1;
    }
    return 0;
}

/* Load (with create: make) the key file that seals personal data; a one-line error when it cannot. */
static int need_keys(const char *db_url, bool create)
{
    enum err e = pii_init(db_url, create);
    if (e == OK) return 0;
    if (e == ERR_NOT_FOUND)
        fprintf(stderr, "tuoyu: no key file for this database: %s\n",
                strstr(db_url, "://") ? "set TUOYU_KEY_FILE (tuoyu init creates it)"
                                      : "run tuoyu init to create it");
    else
        fprintf(stderr, "tuoyu: cannot read the key file (set TUOYU_KEY_FILE or check DB.keys)\n");
    return 1;
}

/* Whether any sealed personal data is stored (then only the original key file can open it). */
static bool holds_personal_data(struct db *db)
{
    int64_t n = 1;
    db_int_query(
        db,
        "SELECT (SELECT COUNT(*) FROM staff) + (SELECT COUNT(*) FROM children) + (SELECT COUNT(*) FROM bans) "
        "+ (SELECT COUNT(*) FROM person_credit_records) + (SELECT COUNT(*) FROM complaints)",
        NULL, 0, &n);
    return n > 0;
}

static int cmd_init(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv, "db admin password-file", &o);
    if (rc) return rc;
    if (!o.db) return bad("missing --db", NULL);
    if (!o.admin != !o.password_file) return bad("--admin and --password-file go together", NULL);
    char pw[256];
    if (o.admin && (rc = read_password(o.password_file, pw, sizeof pw))) return rc;
    struct db *db;
    if ((rc = open_db(o.db, &db, true))) return rc;
    if ((rc = need_keys(o.db, true))) {
        db_close(db);
        return rc;
    }
    if (o.admin) {
        enum err e = user_create(db, NULL, o.admin, "admin", NULL, NULL, NULL, 0, pw, NULL);
        if (e == ERR_CONFLICT) {
            fprintf(stderr, "tuoyu: user %s exists already; left unchanged\n", o.admin);
        } else if (e != OK) {
            fprintf(stderr, "tuoyu: cannot create admin %s (%s)\n", o.admin, err_name(e));
            db_close(db);
            return e == ERR_VALIDATION ? EXIT_USAGE : 1;
        }
    }
    db_close(db);
    printf("database %s is ready\n", o.db);
    return 0;
}

static int cmd_serve(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv, "db listen threads per-ip-limit timeout request-deadline jobs", &o);
    if (o.jobs && strcmp(o.jobs, "on") != 0 && strcmp(o.jobs, "off") != 0)
        return bad("--jobs takes on or off", o.jobs);
    bool jobs = !o.jobs || strcmp(o.jobs, "on") == 0;
    if (rc) return rc;
    if (!o.db) return bad("missing --db", NULL);
    struct server_config cfg = {.db_url = o.db, .listen = o.listen ? o.listen : "127.0.0.1:8080"};
    if (o.threads) cfg.threads = (unsigned)atoi(o.threads);
    if (o.per_ip_limit) cfg.per_ip_limit = (unsigned)atoi(o.per_ip_limit);
    /* --timeout: seconds a connection may stay idle (half a request included) before it is cut. */
    if (o.timeout) cfg.timeout_s = (unsigned)atoi(o.timeout);
    /* --request-deadline: seconds a connection has for a whole request (headers and body), from its accept or
     * its previous response, however steadily it trickles; a request being answered is never cut. */
    if (o.request_deadline) cfg.request_deadline_s = (unsigned)atoi(o.request_deadline);
    if (o.threads && (cfg.threads < 1 || cfg.threads > 256)) return bad("bad number", o.threads);
    if (o.per_ip_limit && (cfg.per_ip_limit < 1 || cfg.per_ip_limit > 100000))
        return bad("bad number", o.per_ip_limit);
    if (o.timeout && (cfg.timeout_s < 1 || cfg.timeout_s > 3600)) return bad("bad number", o.timeout);
    if (o.request_deadline && (cfg.request_deadline_s < 1 || cfg.request_deadline_s > 3600))
        return bad("bad number", o.request_deadline);
    if (!server_listen_valid(cfg.listen)) return bad("bad --listen address", cfg.listen);
    if (captcha_startup_check(cfg.listen) != OK)
        return bad("TUOYU_CAPTCHA_FIXED (tests only) needs 1-6 digits and a loopback --listen", cfg.listen);
    struct db *db;
    if ((rc = open_db(o.db, &db, false))) return rc;
    /* A database that holds no sealed personal data yet may get its key file now; one that does must have it.
     */
    if ((rc = need_keys(o.db, !holds_personal_data(db)))) {
        db_close(db);
        return rc;
    }
    int n = settings_load_thresholds(db);
    if (n) log_msg(LOG_INFO, "%d rule thresholds set from local settings", n);
    db_close(db);
    if (jobs) jobs_start(o.db);
    export_worker_start(o.db);
    outbox_start(o.db);
    tokens_log_start(o.db);
    enum err e = server_run(&cfg);
    tokens_log_stop();
    outbox_stop();
    export_worker_stop();
    jobs_stop();
    if (e == ERR_BAD_REQUEST) return bad("bad --listen address", cfg.listen);
    return e == OK ? 0 : 1;
}

static int cmd_demo(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv, "db", &o);
    if (rc) return rc;
    if (!o.db) return bad("missing --db", NULL);
    struct db *db;
    if ((rc = open_db(o.db, &db, true))) return rc;
    if ((rc = need_keys(o.db, true))) {
        db_close(db);
        return rc;
    }
    rc = demo_load(db);
    db_close(db);
    return rc;
}

static int cmd_user_add(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv,
                   "db username role district department unit institution authority password-file", &o);
    if (rc) return rc;
    if (!o.db || !o.username || !o.role || !o.password_file)
        return bad("user add needs --db, --username, --role and --password-file", NULL);
    unsigned role = role_from_name(o.role);
    if (!role) return bad("unknown role", o.role);
    if ((role == ROLE_COUNTY || role == ROLE_INSPECTOR) && !o.district)
        return bad("this role needs --district", o.role);
    if (role != ROLE_COUNTY && role != ROLE_INSPECTOR && o.district)
        return bad("only county_official and inspector take --district", o.role);
    if ((role == ROLE_OPERATOR) != (o.institution != NULL))
        return bad("--institution goes with the operator role, and only with it", o.role);
    if (role != ROLE_INSPECTOR && o.department) return bad("only inspectors take --department", o.role);
    if ((role == ROLE_UNIT) != (o.unit != NULL))
        return bad("--unit goes with the unit_officer role, and only with it", o.role);
    if (role == ROLE_REGISTRAR && !o.authority)
        return bad("a registrar needs --authority (market, civil, bianban, approval or all)", o.username);
    if (role != ROLE_REGISTRAR && o.authority) return bad("only registrars take --authority", o.role);
    if (o.authority && strcmp(o.authority, "all") != 0 && !reg_authority_by_code(o.authority))
        return bad("unknown --authority (market, civil, bianban, approval or all)", o.authority);
    int64_t inst = 0;
    if (o.institution) {
        char *end;
        inst = strtoll(o.institution, &end, 10);
        if (*end || inst <= 0) return bad("bad --institution", o.institution);
    }
    char pw[256];
    if ((rc = read_password(o.password_file, pw, sizeof pw))) return rc;
    struct db *db;
    if ((rc = open_db(o.db, &db, false))) return rc;
    int64_t id = 0;
    enum err e = user_create(db, NULL, o.username, o.role, o.district, o.department, o.unit, inst, pw, &id);
    if (e == OK && o.authority && strcmp(o.authority, "all") != 0)
        e = tokens_set_authority(db, NULL, id, o.authority);
    db_close(db);
    if (e == ERR_CONFLICT) return bad("username taken", o.username), 1;
    if (e == ERR_VALIDATION)
        return bad("invalid username, district, department, unit or institution", o.username);
    if (e != OK) {
        fprintf(stderr, "tuoyu: cannot add user (%s)\n", err_name(e));
        return 1;
    }
    printf("user %s (%s) added with id %lld\n", o.username, o.role, (long long)id);
    return 0;
}

static int cmd_token_create(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv, "db user name expires-days", &o);
    if (rc) return rc;
    if (!o.db || !o.user) return bad("token create needs --db and --user", NULL);
    if (o.name && strlen(o.name) > 300) return bad("--name is too long", NULL);
    int64_t days = 0;
    if (o.expires_days) {
        char *end;
        days = strtoll(o.expires_days, &end, 10);
        if (*end || days < 1 || days > 3650) return bad("bad --expires-days (1..3650)", o.expires_days);
    }
    struct db *db;
    if ((rc = open_db(o.db, &db, false))) return rc;
    struct arena a;
    arena_init(&a, 0);
    char *token = NULL;
    enum err e =
        tokens_create(db, &a, NULL, o.user, o.name, days ? clock_now() + days * 86400 : 0, &token, NULL);
    db_close(db);
    if (e == ERR_NOT_FOUND) {
        arena_free(&a);
        return bad("no such user", o.user);
    }
    if (e != OK) {
        fprintf(stderr, "tuoyu: cannot create token (%s)\n", err_name(e));
        arena_free(&a);
        return 1;
    }
    printf("API token for %s (shown once; only its hash is stored):\n%s\n", o.user, token);
    arena_free(&a);
    return 0;
}

static int cmd_token_rotate(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv, "db id", &o);
    if (rc) return rc;
    if (!o.db || !o.id) return bad("token rotate needs --db and --id", NULL);
    char *end;
    int64_t id = strtoll(o.id, &end, 10);
    if (*end || id < 1) return bad("bad --id", o.id);
    struct db *db;
    if ((rc = open_db(o.db, &db, false))) return rc;
    struct arena a;
    arena_init(&a, 0);
    char *token = NULL;
    int64_t new_id = 0, until = 0;
    enum err e = tokens_rotate(db, &a, NULL, id, &token, &new_id, &until);
    db_close(db);
    if (e == ERR_NOT_FOUND || e == ERR_STATE) {
        arena_free(&a);
        return bad(e == ERR_NOT_FOUND ? "no such token" : "token already revoked or expired", o.id), 1;
    }
    if (e != OK) {
        fprintf(stderr, "tuoyu: cannot rotate token (%s)\n", err_name(e));
        arena_free(&a);
        return 1;
    }
    printf("token %lld rotated: the old one works until %lld (epoch seconds); new token %lld (shown "
           "once):\n%s\n",
           (long long)id, (long long)until, (long long)new_id, token);
    arena_free(&a);
    return 0;
}

static int cmd_token_list(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv, "db", &o);
    if (rc) return rc;
    if (!o.db) return bad("token list needs --db", NULL);
    struct db *db;
    if ((rc = open_db(o.db, &db, false))) return rc;
    struct arena a;
    arena_init(&a, 0);
    struct token_row *t = NULL;
    int n = 0;
    enum err e = tokens_list(db, &a, 0, &t, &n);
    db_close(db);
    if (e != OK) {
        fprintf(stderr, "tuoyu: cannot list tokens (%s)\n", err_name(e));
        arena_free(&a);
        return 1;
    }
    int64_t now = clock_now();
    printf("id\tuser\trole\tauthority\tname\tcreated_at\tlast_used_at\texpires_at\trevoked_at\tstate\n");
    for (int i = 0; i < n; i++) {
        const char *state = t[i].revoked_at && t[i].revoked_at <= now   ? "revoked"
                            : t[i].expires_at && t[i].expires_at <= now ? "expired"
                            : t[i].revoked_at                           ? "grace"
                                                                        : "active";
        printf("%lld\t%s\t%s\t%s\t%s\t%lld\t%lld\t%lld\t%lld\t%s\n", (long long)t[i].id, t[i].username,
               t[i].role, t[i].authority ? t[i].authority : "-", t[i].name ? t[i].name : "-",
               (long long)t[i].created_at, (long long)t[i].last_used_at, (long long)t[i].expires_at,
               (long long)t[i].revoked_at, state);
    }
    arena_free(&a);
    return 0;
}

static int cmd_audit_verify(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv, "db", &o);
    if (rc) return rc;
    if (!o.db) return bad("missing --db", NULL);
    struct db *db;
    if ((rc = open_db(o.db, &db, false))) return rc;
    int64_t checked = 0, bad_seq = 0;
    enum err e = audit_verify(db, &checked, &bad_seq);
    db_close(db);
    if (e == OK) {
        printf("audit chain intact: %lld entries\n", (long long)checked);
        return 0;
    }
    if (e == ERR_STATE) {
        printf("audit chain broken at entry %lld (%lld entries before it are intact)\n", (long long)bad_seq,
               (long long)checked);
        return 1;
    }
    fprintf(stderr, "tuoyu: cannot read the audit log (%s)\n", err_name(e));
    return 1;
}

static int cmd_compliance_run(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv, "db", &o);
    if (rc) return rc;
    if (!o.db) return bad("missing --db", NULL);
    struct db *db;
    if ((rc = open_db(o.db, &db, false))) return rc;
    /* The yearly ban re-check needs the key file to open the sealed ID numbers; without one nothing is
     * sealed. */
    int checked = 0, matches = 0;
    enum err y =
        pii_init(o.db, false) == OK ? people_yearly_ban_checks(db, &checked, &matches, NULL, NULL) : OK;
    if (y != OK)
        fprintf(stderr, "tuoyu: yearly ban re-check stopped (%s)\n", err_name(y));
    else if (checked)
        printf("yearly ban re-check: %d persons checked, %d matched\n", checked, matches);
    int count = 0;
    enum err e = compliance_refresh_all(db, &count);
    db_close(db);
    if (e != OK) {
        fprintf(stderr, "tuoyu: compliance run failed (%s)\n", err_name(e));
        return 1;
    }
    printf("compliance evaluated for %d institutions\n", count);
    return 0;
}

static int cmd_copy(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv, "from to", &o);
    if (rc) return rc;
    if (!o.from || !o.to) return bad("copy needs --from and --to", NULL);
    if (strcmp(o.from, o.to) == 0) return bad("--from and --to name the same database", o.from);
    return cli_copy(o.from, o.to);
}

static int cmd_backup(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv, "db out", &o);
    if (rc) return rc;
    if (!o.db || !o.out) return bad("backup needs --db and --out", NULL);
    struct db *db;
    if ((rc = open_db(o.db, &db, false))) return rc;
    int pages = 0;
    enum err e = db_backup(db, o.out, &pages);
    db_close(db);
    if (e == ERR_STATE)
        return bad("online backup is for SQLite; back up PostgreSQL with pg_dump (docs/deployment.md)", NULL);
    if (e == ERR_CONFLICT) return bad("the backup file exists already", o.out);
    if (e == ERR_DB_FULL) {
        fprintf(stderr, "tuoyu: backup failed (%s): no space left for %s; nothing was kept\n", err_name(e),
                o.out);
        return 1;
    }
    if (e != OK) {
        fprintf(stderr, "tuoyu: backup failed (%s)\n", err_name(e));
        return 1;
    }
    printf("backup of %s written to %s (%d pages)\n", o.db, o.out, pages);
    return 0;
}

/* `tuoyu routes`: the compiled route table as JSON on stdout, one object per route in table order —
 * {method, pattern, roles: [role names], flags: [flag names], summary} — for the authorization matrix test
 * (tests/http/authz.test.mjs). Needs no database. */
static int cmd_routes(void)
{
    static const unsigned bits[] = {ROLE_ADMIN,     ROLE_CITY,     ROLE_COUNTY,  ROLE_REGISTRAR,
                                    ROLE_INSPECTOR, ROLE_OPERATOR, ROLE_AUDITOR, ROLE_UNIT};
    static const struct {
        unsigned flag;
        const char *name;
    } flags[] = {{ROUTE_PUBLIC, "public"},
                 {ROUTE_HTML, "html"},
                 {ROUTE_UPLOAD, "upload"},
                 {ROUTE_FORM, "form"},
                 {ROUTE_LOOPBACK_OR_ADMIN, "loopback_or_admin"},
                 {ROUTE_OWN_FORMAT, "own_format"}};
    json_t *all = json_array();
    for (int i = 0; i < nroutes; i++) {
        const struct route *rt = &routes[i];
        json_t *roles = json_array(), *fl = json_array();
        for (size_t b = 0; b < sizeof bits / sizeof bits[0]; b++)
            if (rt->roles & bits[b]) json_array_append_new(roles, json_string(role_name(bits[b])));
        for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
            if (rt->flags & flags[f].flag) json_array_append_new(fl, json_string(flags[f].name));
        json_array_append_new(all, json_pack("{s:s, s:s, s:o, s:o, s:s}", "method", rt->method, "pattern",
                                             rt->pattern, "roles", roles, "flags", fl, "summary",
                                             rt->summary ? rt->summary : ""));
    }
    int rc = json_dumpf(all, stdout, JSON_INDENT(1)) == 0 && fputc('\n', stdout) != EOF ? 0 : 1;
    json_decref(all);
    return rc;
}

int cli_main(int argc, char **argv)
{
    if (argc < 2) return bad("missing command", NULL);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (auth_init() != OK) return 1;
    if (strcmp(cmd, "init") == 0) return cmd_init(argc - 2, argv + 2);
    if (strcmp(cmd, "serve") == 0) return cmd_serve(argc - 2, argv + 2);
    if (strcmp(cmd, "demo") == 0) return cmd_demo(argc - 2, argv + 2);
    if (strcmp(cmd, "gen") == 0) return cli_gen(argc - 2, argv + 2);
    if (strcmp(cmd, "copy") == 0) return cmd_copy(argc - 2, argv + 2);
    if (strcmp(cmd, "backup") == 0) return cmd_backup(argc - 2, argv + 2);
    if (strcmp(cmd, "routes") == 0) return argc == 2 ? cmd_routes() : bad("unexpected argument", argv[2]);
    const char *sub = argc > 2 ? argv[2] : "";
    if (strcmp(cmd, "user") == 0 && strcmp(sub, "add") == 0) return cmd_user_add(argc - 3, argv + 3);
    if (strcmp(cmd, "token") == 0 && strcmp(sub, "create") == 0) return cmd_token_create(argc - 3, argv + 3);
    if (strcmp(cmd, "token") == 0 && strcmp(sub, "rotate") == 0) return cmd_token_rotate(argc - 3, argv + 3);
    if (strcmp(cmd, "token") == 0 && strcmp(sub, "list") == 0) return cmd_token_list(argc - 3, argv + 3);
    if (strcmp(cmd, "compliance") == 0 && strcmp(sub, "run") == 0)
        return cmd_compliance_run(argc - 3, argv + 3);
    if (strcmp(cmd, "audit") == 0 && strcmp(sub, "verify") == 0) return cmd_audit_verify(argc - 3, argv + 3);
    if (strcmp(cmd, "import") == 0 && strcmp(sub, "institutions") == 0)
        return onboard_cli(argc - 3, argv + 3);
    return bad("unknown command", cmd);
}
