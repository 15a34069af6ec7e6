/* The route table: every URL tuoyu answers, the roles allowed, and how its body is read. Adding a route
 * touches this table, one handler file and its test. */
#include "html/layout.h"
#include "http/http.h"
#include "modules/filing/filing.h"
#include "modules/institution/inst.h"
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
    {"GET", "/operator", page_operator, ROLE_OPERATOR, ROUTE_HTML,
     "Operator: my institution and filing form"},
    {"POST", "/operator/filing", page_operator_filing, ROLE_OPERATOR, ROUTE_HTML | ROUTE_FORM,
     "Operator: submit the filing form"},
};

const int nroutes = (int)(sizeof routes / sizeof routes[0]);
