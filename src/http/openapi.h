/* The API description, generated from the route table (src/routes.c) whenever it is asked for: the OpenAPI
 * 3.1 document at /api/v1/openapi.json and the readable reference page at /api/docs. Every route whose
 * pattern starts with /api/v1 is listed, with its roles (x-roles), path parameters, body media type and the
 * error responses it can give. */
#ifndef TUOYU_OPENAPI_H
#define TUOYU_OPENAPI_H
#include "http/http.h"

#include <jansson.h>
#include <stdbool.h>

/* Whether a route belongs in the API description (its pattern starts with /api/v1). */
bool openapi_route_listed(const struct route *rt);
/* The OpenAPI path of a route pattern (arena): later repeats of {id} become {id2}, {id3}, … so each path
 * parameter has its own name. */
char *openapi_path(struct arena *a, const char *pattern);
/* The whole document (a new reference; caller owns it). Arena for scratch strings. */
json_t *openapi_document(struct arena *a);

enum err openapi_api(struct req *r, struct resp *out);        /* GET /api/v1/openapi.json */
enum err page_api_reference(struct req *r, struct resp *out); /* GET /api/docs */

#endif
