/* openapi.h -- the OpenAPI 3.1 document of the API (src/api/openapi.json),
 * compiled in by make as openapi_doc.c. */
#ifndef TS_OPENAPI_H
#define TS_OPENAPI_H

/* The document as JSON text, with this build's version in info.version. */
extern const char ts_openapi_json[];

#endif
