/*
 * GeoJSON geometry checks for grid boundaries (RFC 7946, WGS-84 longitude
 * and latitude).
 */
#ifndef GR_ORG_GEO_H
#define GR_ORG_GEO_H

#include <jansson.h>

#define GEO_MAX_POSITIONS 20000

/* NULL when g is a valid Polygon or MultiPolygon: closed rings of at least
 * four positions, longitudes in [-180, 180], latitudes in [-90, 90], at most
 * GEO_MAX_POSITIONS positions; otherwise the reason. */
const char *geo_check_area(const json_t *g);

/* True when the point lies inside the Polygon or MultiPolygon g (holes
 * excluded; points on an edge count as inside). */
int geo_contains(const json_t *g, double lon, double lat);

#endif
