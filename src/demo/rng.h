/*
 * The generators' random numbers: splitmix64, tiny and fast, and every seed
 * is a good seed, so the same seed always gives the same data.
 */
#ifndef GR_DEMO_RNG_H
#define GR_DEMO_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static inline int rng_below(struct rng *r, int n)
{
	return (int)(rng_next(r) % (uint64_t)n);
}

/* True with probability p. */
static inline bool rng_chance(struct rng *r, double p)
{
	return (double)(rng_next(r) >> 11) / 9007199254740992.0 < p;
}

#endif
