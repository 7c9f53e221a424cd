/*
 * GeoJSON checks and point-in-polygon by ray casting.
 */
#include "org/geo.h"

#include <math.h>
#include <string.h>

static const char *check_position(const json_t *p)
{
	if (!json_is_array(p) || json_array_size(p) < 2 || json_array_size(p) > 3)
		return "a position is [longitude, latitude]";
	for (size_t i = 0; i < json_array_size(p); i++)
		if (!json_is_number(json_array_get(p, i)))
			return "coordinates must be numbers";
	double lon = json_number_value(json_array_get(p, 0));
	double lat = json_number_value(json_array_get(p, 1));
	if (!isfinite(lon) || !isfinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90)
		return "longitude must lie in [-180, 180] and latitude in [-90, 90]";
	return NULL;
}

static const char *check_polygon(const json_t *rings, size_t *count)
{
	if (!json_is_array(rings) || json_array_size(rings) == 0)
		return "a polygon is a non-empty array of linear rings";
	for (size_t i = 0; i < json_array_size(rings); i++) {
		const json_t *ring = json_array_get(rings, i);
		if (!json_is_array(ring) || json_array_size(ring) < 4)
			return "a linear ring has at least four positions";
		for (size_t k = 0; k < json_array_size(ring); k++) {
			const char *why = check_position(json_array_get(ring, k));
			if (why)
				return why;
		}
		const json_t *a = json_array_get(ring, 0);
		const json_t *b = json_array_get(ring, json_array_size(ring) - 1);
		if (json_number_value(json_array_get(a, 0)) !=
			    json_number_value(json_array_get(b, 0)) ||
		    json_number_value(json_array_get(a, 1)) !=
			    json_number_value(json_array_get(b, 1)))
			return "a linear ring must end where it starts";
		*count += json_array_size(ring);
	}
	return NULL;
}

const char *geo_check_area(const json_t *g)
{
	if (!json_is_object(g))
		return "the boundary must be a GeoJSON geometry object";
	const char *type = json_string_value(json_object_get(g, "type"));
	const json_t *coords = json_object_get(g, "coordinates");
	size_t count = 0;
	const char *why;
	if (type == NULL)
		return "the geometry needs a type";
	if (strcmp(type, "Polygon") == 0) {
		why = check_polygon(coords, &count);
	} else if (strcmp(type, "MultiPolygon") == 0) {
		if (!json_is_array(coords) || json_array_size(coords) == 0)
			return "a MultiPolygon is a non-empty array of polygons";
		why = NULL;
		for (size_t i = 0; i < json_array_size(coords) && !why; i++)
			why = check_polygon(json_array_get(coords, i), &count);
	} else {
		return "the boundary must be a Polygon or a MultiPolygon";
	}
	if (why == NULL && count > GEO_MAX_POSITIONS)
		why = "the boundary has too many positions (at most 20000)";
	return why;
}

/* 0 outside, 1 inside, 2 on an edge. */
static int ring_contains(const json_t *ring, double x, double y)
{
	int inside = 0;
	size_t n = json_array_size(ring);
	for (size_t i = 0, j = n - 1; i < n; j = i++) {
		const json_t *pi = json_array_get(ring, i), *pj = json_array_get(ring, j);
		double xi = json_number_value(json_array_get(pi, 0));
		double yi = json_number_value(json_array_get(pi, 1));
		double xj = json_number_value(json_array_get(pj, 0));
		double yj = json_number_value(json_array_get(pj, 1));
		double cross = (x - xi) * (yj - yi) - (y - yi) * (xj - xi);
		if (fabs(cross) < 1e-12 && x >= fmin(xi, xj) && x <= fmax(xi, xj) &&
		    y >= fmin(yi, yj) && y <= fmax(yi, yj))
			return 2;
		if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
			inside = !inside;
	}
	return inside;
}

static int polygon_contains(const json_t *rings, double x, double y)
{
	if (!ring_contains(json_array_get(rings, 0), x, y))
		return 0;
	/* Strictly inside a hole is outside; a hole's edge is the polygon's. */
	for (size_t i = 1; i < json_array_size(rings); i++)
		if (ring_contains(json_array_get(rings, i), x, y) == 1)
			return 0;
	return 1;
}

int geo_contains(const json_t *g, double lon, double lat)
{
	const char *type = json_string_value(json_object_get(g, "type"));
	const json_t *coords = json_object_get(g, "coordinates");
	if (type == NULL || coords == NULL)
		return 0;
	if (strcmp(type, "Polygon") == 0)
		return polygon_contains(coords, lon, lat);
	if (strcmp(type, "MultiPolygon") == 0) {
		for (size_t i = 0; i < json_array_size(coords); i++)
			if (polygon_contains(json_array_get(coords, i), lon, lat))
				return 1;
	}
	return 0;
}
