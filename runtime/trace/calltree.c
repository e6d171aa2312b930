/*
 * calltree.c: node allocation (from slabs) and the (parent, func) hash.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "trace/calltree.h"

#define SLAB_BYTES (256 * 1024)

/* Initialises an empty tree. */
void
fp__tree_init(fp__tree_t *tree)
{
	memset(tree, 0, sizeof *tree);
}

/* Frees every node of the tree and leaves it empty. */
void
fp__tree_free(fp__tree_t *tree)
{
	void *b = tree->blocks;

	while (b != NULL) {
		void *next = *(void **)b;

		free(b);
		b = next;
	}
	free(tree->nodes);
	free(tree->buckets);
	fp__tree_init(tree);
}

/* Resets figures to an empty record. */
void
fp__stats_init(fp__stats_t *s)
{
	memset(s, 0, sizeof *s);
	s->min = INT64_MAX;
}

/* Adds the figures of b to a. */
void
fp__stats_merge(fp__stats_t *a, const fp__stats_t *b)
{
	a->calls += b->calls;
	a->own += b->own;
	a->total += b->total;
	a->suspended += b->suspended;
	a->sum += b->sum;
	a->samples += b->samples;
	a->own_samples += b->own_samples;
	if (b->min < a->min)
		a->min = b->min;
	if (b->max > a->max)
		a->max = b->max;
}

/* Returns the hash bucket index of (parent, func) for n buckets. */
static uint32_t
bucket_of(const fp__node_t *parent, const fp__func_t *func, uint32_t n)
{
	return fp__hash_pair(parent->id, func->id) & (n - 1);
}

/* Returns zeroed memory for one node, carved from the current slab. */
static fp__node_t *
alloc_node(fp__tree_t *tree)
{
	fp__node_t *n;

	if (tree->slab == NULL ||
	    tree->slab_used + sizeof(fp__node_t) > tree->slab_size) {
		char *block = malloc(SLAB_BYTES);

		if (block == NULL)
			return NULL;
		*(void **)block = tree->blocks;
		tree->blocks = block;
		tree->slab = block;
		tree->slab_size = SLAB_BYTES;
		tree->slab_used = sizeof(fp__node_t);	/* room for the link */
	}
	n = (fp__node_t *)(tree->slab + tree->slab_used);
	tree->slab_used += sizeof(fp__node_t);
	memset(n, 0, sizeof *n);
	return n;
}

/* Doubles the hash table; returns 0 or -1 on ENOMEM. */
static int
grow_buckets(fp__tree_t *tree)
{
	uint32_t n = tree->nbuckets ? tree->nbuckets * 2 : 4096, i;
	fp__node_t **nb = calloc(n, sizeof *nb);

	if (nb == NULL)
		return -1;
	for (i = 0; i < tree->count; i++) {
		fp__node_t *node = tree->nodes[i];
		uint32_t b;

		if (node->parent == NULL)
			continue;
		b = bucket_of(node->parent, node->func, n);
		node->hash_next = nb[b];
		nb[b] = node;
	}
	free(tree->buckets);
	tree->buckets = nb;
	tree->nbuckets = n;
	return 0;
}

/* Allocates a node and gives it the next id; NULL on ENOMEM. */
static fp__node_t *
new_node(fp__tree_t *tree)
{
	fp__node_t *n;

	if (tree->count == tree->capacity) {
		uint32_t ncap = tree->capacity ? tree->capacity * 2 : 4096;
		fp__node_t **nn = realloc(tree->nodes, ncap * sizeof *nn);

		if (nn == NULL)
			return NULL;
		tree->nodes = nn;
		tree->capacity = ncap;
	}
	n = alloc_node(tree);
	if (n == NULL)
		return NULL;
	n->id = tree->count;
	fp__stats_init(&n->stats);
	tree->nodes[tree->count++] = n;
	return n;
}

/* Creates a new thread root. */
fp__node_t *
fp__tree_new_root(fp__tree_t *tree)
{
	return new_node(tree);
}

/* Returns the child of parent for func, creating it on first use. */
fp__node_t *
fp__tree_child_slow(fp__tree_t *tree, fp__node_t *parent, fp__func_t *func)
{
	fp__node_t *n, *a;

	if (tree->nbuckets != 0) {
		for (n = tree->buckets[bucket_of(parent, func, tree->nbuckets)];
		    n != NULL; n = n->hash_next) {
			if (n->parent == parent && n->func == func) {
				parent->cached_child = n;
				return n;
			}
		}
	}
	if (tree->count >= tree->nbuckets / 2 && grow_buckets(tree) != 0)
		return NULL;
	n = new_node(tree);
	if (n == NULL)
		return NULL;
	n->parent = parent;
	n->func = func;
	n->depth = parent->depth + 1;
	for (a = parent; a != NULL; a = a->parent) {
		if (a->func == func) {
			n->recursive = 1;
			break;
		}
	}
	n->next_sibling = parent->first_child;
	parent->first_child = n;
	{
		uint32_t b = bucket_of(parent, func, tree->nbuckets);

		n->hash_next = tree->buckets[b];
		tree->buckets[b] = n;
	}
	parent->cached_child = n;
	return n;
}
