/* The route table: every URL tuoyu answers, the roles allowed, and how its body is read. Adding a route
 * touches this table, one handler file and its test. */
#include "html/layout.h"
#include "http/http.h"
#include "modules/filing/filing.h"
#include "modules/compliance/compliance.h"
#include "modules/imports/imports.h"
#include "modules/institution/inst.h"
#include "modules/people/bans.h"
#include "modules/people/people.h"
#include "modules/registration/registration.h"

#define OFFICIALS ROLES_OFFICIALS
#define JSON      0u

const struct route routes[] = {
    /* Operations. */
    {"GET", "/healthz", health_api, 0, ROUTE_PUBLIC, "Liveness: 200 while the server and database answer"},
    {"GET", "/metrics", metrics_api, 0, ROUTE_LOOPBACK_OR_ADMIN, "Prometheus metrics (loopback or admin)"},

    /* Accounts. */
    {"POST", "/api/v1/session", session_api_login, 0, ROUTE_PUBLIC, "Log in; sets the session cookie"},
    {"GET", "/api/v1/session", session_api_get, ROLES_ANY_USER, JSON, "The signed-in user"},
    {"DELETE", "/api/v1/session", session_api_logout, ROLES_ANY_USER, JSON, "Log out"},
    {"POST", "/api/v1/users", user_api_create, ROLE_ADMIN, JSON, "Create a user account"},

    /* Reference data. */
    {"GET", "/api/v1/public/districts", district_api_list, 0, ROUTE_PUBLIC, "Districts with population"},
    {"PATCH", "/api/v1/districts/{code}", district_api_patch, ROLE_ADMIN, JSON,
     "Edit a district's population"},

    /* Registration push from the registration authorities. */
    {"POST", "/api/v1/registrations", registration_api_push, ROLE_REGISTRAR, JSON,
     "Push a registration (idempotent per USCC)"},

    /* The registry. */
    {"GET", "/api/v1/institutions", inst_api_list, OFFICIALS, JSON, "List institutions"},
    {"GET", "/api/v1/institutions/unfiled", inst_api_unfiled, OFFICIALS, JSON,
     "Registered institutions not filed after the grace period"},
    {"GET", "/api/v1/institutions/{id}", inst_api_get, OFFICIALS | ROLE_OPERATOR, JSON,
     "One institution with its history"},
    {"PATCH", "/api/v1/institutions/{id}", inst_api_patch, ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY, JSON,
     "Correct an institution's location (optimistic version check)"},
    {"GET", "/api/v1/dashboard", dashboard_api, OFFICIALS, JSON,
     "Counts by state and district, overdue filings"},

    /* Filing. */
    {"POST", "/api/v1/institutions/{id}/filings", filing_api_submit, ROLE_OPERATOR, JSON,
     "Submit a filing dossier (a new version)"},
    {"GET", "/api/v1/institutions/{id}/filings", filing_api_list, OFFICIALS | ROLE_OPERATOR, JSON,
     "Every filing version of an institution"},
    {"GET", "/api/v1/filings", filing_api_list, OFFICIALS, JSON, "Filings by status (the review queue)"},
    {"GET", "/api/v1/filings/{id}", filing_api_get, OFFICIALS | ROLE_OPERATOR, JSON, "One filing version"},
    {"POST", "/api/v1/filings/{id}/attachments", filing_api_attach, ROLE_OPERATOR, ROUTE_UPLOAD,
     "Upload an attachment (PDF, JPEG or PNG)"},
    {"POST", "/api/v1/filings/{id}/decision", filing_api_decide, ROLE_COUNTY, JSON,
     "Approve or return a filing"},

    /* People: staff, classes, children, health checks (operators write their own; officials read, audited).
     */
    {"GET", "/api/v1/institutions/{id}/staff", staff_api_list, OFFICIALS | ROLE_OPERATOR, JSON,
     "Staff of an institution"},
    {"POST", "/api/v1/institutions/{id}/staff", staff_api_add, ROLE_OPERATOR, JSON,
     "Add a staff member (checked against the ban register first)"},
    {"GET", "/api/v1/staff/{id}", staff_api_get, OFFICIALS | ROLE_OPERATOR, JSON,
     "One staff member (audited read)"},
    {"PATCH", "/api/v1/staff/{id}", staff_api_patch, ROLE_OPERATOR, JSON,
     "Change a staff member (version checked)"},
    {"POST", "/api/v1/staff/{id}/certificates", staff_api_add_cert, ROLE_OPERATOR, JSON,
     "Record a certificate"},
    {"POST", "/api/v1/staff/{id}/health-checks", staff_api_add_check, ROLE_OPERATOR, JSON,
     "Record a staff health check"},
    {"GET", "/api/v1/institutions/{id}/classes", class_api_list, OFFICIALS | ROLE_OPERATOR, JSON,
     "Classes with enrolment and caregivers"},
    {"POST", "/api/v1/institutions/{id}/classes", class_api_add, ROLE_OPERATOR, JSON, "Open a class"},
    {"PATCH", "/api/v1/classes/{id}", class_api_patch, ROLE_OPERATOR, JSON,
     "Change a class: capacity, caregivers, closing (version checked)"},
    {"GET", "/api/v1/institutions/{id}/children", child_api_list, OFFICIALS | ROLE_OPERATOR, JSON,
     "Children enrolled (masked)"},
    {"POST", "/api/v1/institutions/{id}/children", child_api_add, ROLE_OPERATOR, JSON,
     "Enrol a child (admission check required)"},
    {"GET", "/api/v1/children/{id}", child_api_get, OFFICIALS | ROLE_OPERATOR, JSON,
     "One child (audited read)"},
    {"PATCH", "/api/v1/children/{id}", child_api_patch, ROLE_OPERATOR, JSON,
     "Move a child, record an absence or leaving (version checked)"},
    {"POST", "/api/v1/children/{id}/health-checks", child_api_add_check, ROLE_OPERATOR, JSON,
     "Record a child's health check"},
    {"GET", "/api/v1/institutions/{id}/checks-due", checks_api_due, OFFICIALS | ROLE_OPERATOR, JSON,
     "Health checks and certificates due or overdue"},
    {"POST", "/api/v1/institutions/{id}/imports/staff", import_api_staff, ROLE_OPERATOR, ROUTE_UPLOAD,
     "Import staff from CSV (dry_run=1 to check only)"},
    {"POST", "/api/v1/institutions/{id}/imports/children", import_api_children, ROLE_OPERATOR, ROUTE_UPLOAD,
     "Import children from CSV (dry_run=1 to check only)"},

    /* Live compliance. */
    {"GET", "/api/v1/institutions/{id}/findings", compliance_api_list, OFFICIALS | ROLE_OPERATOR, JSON,
     "Open compliance findings (operators: without subjects' details)"},
    {"POST", "/api/v1/compliance/run", compliance_api_run, ROLE_ADMIN, JSON,
     "Re-evaluate every institution now"},

    /* The ban register and personal credit records. */
    {"POST", "/api/v1/bans", ban_api_add, ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY, JSON, "Record a ban"},
    {"GET", "/api/v1/bans", ban_api_list, ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY | ROLE_AUDITOR, JSON,
     "The ban register (masked ID numbers only)"},
    {"POST", "/api/v1/bans/check", ban_api_check, ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY, JSON,
     "Check an ID number against the register (audited)"},
    {"GET", "/api/v1/ban-matches", ban_api_matches, ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY | ROLE_AUDITOR, JSON,
     "Refused hires: who tried to hire a banned person"},
    {"POST", "/api/v1/person-credit-records", credit_api_add, ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY, JSON,
     "Record a person's bad credit record"},
    {"GET", "/api/v1/person-credit-records", credit_api_list,
     ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY | ROLE_AUDITOR, JSON, "Persons' credit records (masked)"},

    /* Supervision — inspections, checklist templates, findings (module inspection). */

    /* Supervision — random draws, 双随机一公开 (module inspection, draw_*). */

    /* Supervision — rectification orders (module rectification). */

    /* Supervision — incidents and complaints (module cases). */

    /* Supervision — institution credit records, fees, open data (modules credit, fees, public/opendata). */

    /* Life cycle — annual review, information change, deregistration (module lifecycle). */

    /* Quality assessment, WS/T 821—2023 (module quality). */

    /* Public portal API. */
    {"GET", "/api/v1/public/institutions", public_api_search, 0, ROUTE_PUBLIC, "Search filed institutions"},
    {"GET", "/api/v1/public/institutions/{id}", public_api_get, 0, ROUTE_PUBLIC, "One filed institution"},

    /* Pages. */
    {"GET", "/", page_portal, 0, ROUTE_PUBLIC | ROUTE_HTML, "Portal: find childcare"},
    {"GET", "/institutions/{id}", page_public_institution, 0, ROUTE_PUBLIC | ROUTE_HTML,
     "Portal: institution"},
    {"GET", "/static/tuoyu.css", static_css, 0, ROUTE_PUBLIC | ROUTE_HTML, "Stylesheet"},
    {"GET", "/login", page_login, 0, ROUTE_PUBLIC | ROUTE_HTML, "Login form"},
    {"POST", "/login", page_login_post, 0, ROUTE_PUBLIC | ROUTE_HTML | ROUTE_FORM, "Log in"},
    {"POST", "/logout", page_logout_post, ROLES_ANY_USER, ROUTE_HTML | ROUTE_FORM, "Log out"},
    {"GET", "/dash", page_dashboard, OFFICIALS, ROUTE_HTML, "Officials' dashboard"},
    {"GET", "/dash/institutions", page_institutions, OFFICIALS, ROUTE_HTML,
     "Institutions and the unfiled list"},
    {"GET", "/dash/institutions/{id}", page_institution, OFFICIALS, ROUTE_HTML, "Institution with history"},
    {"GET", "/dash/filings", page_filings, OFFICIALS, ROUTE_HTML, "Filing review queue"},
    {"GET", "/dash/filings/{id}", page_filing, OFFICIALS, ROUTE_HTML, "Filing review and decision form"},
    {"POST", "/dash/filings/{id}/decision", page_filing_decide, ROLE_COUNTY, ROUTE_HTML | ROUTE_FORM,
     "Decide a filing (form)"},
    {"GET", "/dash/users", page_users, ROLE_ADMIN, ROUTE_HTML, "Accounts (admin)"},
    {"POST", "/dash/users", page_users_post, ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM, "Create an account (form)"},
    {"GET", "/dash/institutions/{id}/people", page_inst_people, OFFICIALS, ROUTE_HTML,
     "Classes, staff and children of an institution (audited)"},
    {"GET", "/dash/bans", page_bans, ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY, ROUTE_HTML, "The ban register"},
    {"POST", "/dash/bans", page_bans_post, ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY, ROUTE_HTML | ROUTE_FORM,
     "Record a ban or check a number (form)"},
    {"GET", "/operator/people", page_people, ROLE_OPERATOR, ROUTE_HTML, "Operator: classes, staff, children"},
    {"POST", "/operator/people", page_people_post, ROLE_OPERATOR, ROUTE_HTML | ROUTE_FORM,
     "Operator: add a class, staff member or child (form)"},
    {"GET", "/operator", page_operator, ROLE_OPERATOR, ROUTE_HTML,
     "Operator: my institution and filing form"},
    {"POST", "/operator/filing", page_operator_filing, ROLE_OPERATOR, ROUTE_HTML | ROUTE_FORM,
     "Operator: submit the filing form"},
};

const int nroutes = (int)(sizeof routes / sizeof routes[0]);
