/*
 * calltree.c: checks for runtime/trace/calltree.c: one node per (parent,
 * function), the recursion flag, dense ids, a hash that stays fast with a
 * hundred thousand children under one parent, freeing and reuse, and the
 * figures records (fp__stats_*).
 *
 * The function registry is process-global and never freed, so every test
 * interns functions of a file of its own.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "trace/calltree.h"

/* Returns the function name of the file test, creating it. */
static fp__func_t *
fn(const char *test, const char *name)
{
	char file[128];
	fp__func_t *f;

	snprintf(file, sizeof file, "/t/calltree/%s.py", test);
	f = fp__func_intern(file, 1, name, 0);
	ck_assert_ptr_nonnull(f);
	return f;
}

/* Returns the node for the path root -> funcs[0] -> ... -> funcs[n-1]. */
static fp__node_t *
path(fp__tree_t *t, fp__node_t *root, fp__func_t **funcs, size_t n)
{
	fp__node_t *node = root;
	size_t i;

	for (i = 0; i < n; i++) {
		node = fp__tree_child(t, node, funcs[i]);
		ck_assert_ptr_nonnull(node);
	}
	return node;
}

/* Asserts that the tree's nodes are numbered 0..count-1 by position. */
static void
assert_dense(const fp__tree_t *t)
{
	uint32_t i;

	for (i = 0; i < t->count; i++)
		ck_assert_uint_eq(t->nodes[i]->id, i);
}

/* Returns how often child appears in the child list of parent. */
static int
times_listed(const fp__node_t *parent, const fp__node_t *child)
{
	const fp__node_t *c;
	int n = 0;

	for (c = parent->first_child; c != NULL; c = c->next_sibling)
		n += c == child;
	return n;
}

START_TEST(test_fp__tree_init_empty)
{
	fp__tree_t t;

	memset(&t, 0xAB, sizeof t);
	fp__tree_init(&t);
	ck_assert_uint_eq(t.count, 0);
	ck_assert_ptr_null(t.nodes);
	ck_assert_ptr_null(t.buckets);
	ck_assert_ptr_null(t.blocks);
	fp__tree_free(&t);
}
END_TEST

START_TEST(test_fp__tree_new_root_fields)
{
	fp__tree_t t;
	fp__node_t *r0, *r1;

	fp__tree_init(&t);
	r0 = fp__tree_new_root(&t);
	r1 = fp__tree_new_root(&t);
	ck_assert_ptr_nonnull(r0);
	ck_assert_ptr_nonnull(r1);
	ck_assert_ptr_ne(r0, r1);
	ck_assert_uint_eq(r0->id, 0);
	ck_assert_uint_eq(r1->id, 1);
	ck_assert_uint_eq(t.count, 2);
	ck_assert_ptr_null(r0->parent);
	ck_assert_ptr_null(r0->func);
	ck_assert_ptr_null(r0->first_child);
	ck_assert_uint_eq(r0->depth, 0);
	ck_assert_uint_eq(r0->recursive, 0);
	ck_assert_uint_eq(r0->stats.calls, 0);
	ck_assert_int_eq(r0->stats.min, INT64_MAX);
	ck_assert_ptr_eq(t.nodes[0], r0);
	ck_assert_ptr_eq(t.nodes[1], r1);
	fp__tree_free(&t);
}
END_TEST

START_TEST(test_fp__tree_child_same)
{
	fp__tree_t t;
	fp__node_t *root, *a, *b;
	fp__func_t *fa = fn("same", "a"), *fb = fn("same", "b");
	uint32_t count;

	fp__tree_init(&t);
	root = fp__tree_new_root(&t);
	a = fp__tree_child(&t, root, fa);
	ck_assert_ptr_nonnull(a);
	count = t.count;
	/* Straight again (the cached child). */
	ck_assert_ptr_eq(fp__tree_child(&t, root, fa), a);
	/* After another child displaced the cache (the hash). */
	b = fp__tree_child(&t, root, fb);
	ck_assert_ptr_ne(b, a);
	ck_assert_ptr_eq(fp__tree_child(&t, root, fa), a);
	ck_assert_ptr_eq(fp__tree_child(&t, root, fb), b);
	/* And without the cache at all. */
	ck_assert_ptr_eq(fp__tree_child_slow(&t, root, fa), a);
	ck_assert_ptr_eq(fp__tree_child_slow(&t, root, fb), b);
	ck_assert_uint_eq(t.count, count + 1);
	ck_assert_int_eq(times_listed(root, a), 1);
	ck_assert_int_eq(times_listed(root, b), 1);
	fp__tree_free(&t);
}
END_TEST

START_TEST(test_fp__tree_child_different)
{
	fp__tree_t t;
	fp__node_t *r1, *r2, *a, *b, *aa, *ba, *r2a;
	fp__func_t *fa = fn("different", "a"), *fb = fn("different", "b");

	fp__tree_init(&t);
	r1 = fp__tree_new_root(&t);
	r2 = fp__tree_new_root(&t);
	a = fp__tree_child(&t, r1, fa);
	b = fp__tree_child(&t, r1, fb);
	aa = fp__tree_child(&t, a, fa);
	ba = fp__tree_child(&t, b, fa);
	r2a = fp__tree_child(&t, r2, fa);
	/* Same function, different parents: different call paths. */
	ck_assert_ptr_ne(a, b);
	ck_assert_ptr_ne(a, aa);
	ck_assert_ptr_ne(aa, ba);
	ck_assert_ptr_ne(a, r2a);
	ck_assert_uint_eq(t.count, 7);
	ck_assert_ptr_eq(a->parent, r1);
	ck_assert_ptr_eq(ba->parent, b);
	ck_assert_ptr_eq(r2a->parent, r2);
	ck_assert_ptr_eq(ba->func, fa);
	ck_assert_ptr_eq(b->func, fb);
	fp__tree_free(&t);
}
END_TEST

START_TEST(test_fp__tree_child_fields)
{
	fp__tree_t t;
	fp__node_t *root, *a, *b, *c;
	fp__func_t *fa = fn("fields", "a"), *fb = fn("fields", "b"),
	    *fc = fn("fields", "c");

	fp__tree_init(&t);
	root = fp__tree_new_root(&t);
	a = fp__tree_child(&t, root, fa);
	b = fp__tree_child(&t, a, fb);
	c = fp__tree_child(&t, a, fc);
	ck_assert_uint_eq(a->depth, 1);
	ck_assert_uint_eq(b->depth, 2);
	ck_assert_uint_eq(c->depth, 2);
	ck_assert_int_eq(times_listed(a, b), 1);
	ck_assert_int_eq(times_listed(a, c), 1);
	ck_assert_int_eq(times_listed(root, a), 1);
	ck_assert_int_eq(times_listed(root, b), 0);
	ck_assert_ptr_null(b->first_child);
	/* New nodes start with empty figures. */
	ck_assert_uint_eq(c->stats.calls, 0);
	ck_assert_int_eq(c->stats.total, 0);
	ck_assert_int_eq(c->stats.min, INT64_MAX);
	ck_assert_int_eq(c->stats.max, 0);
	fp__tree_free(&t);
}
END_TEST

START_TEST(test_fp__tree_child_recursive_direct)
{
	fp__tree_t t;
	fp__node_t *root, *a1, *a2, *a3;
	fp__func_t *fa = fn("direct", "a");

	fp__tree_init(&t);
	root = fp__tree_new_root(&t);
	a1 = fp__tree_child(&t, root, fa);
	a2 = fp__tree_child(&t, a1, fa);
	a3 = fp__tree_child(&t, a2, fa);
	ck_assert_uint_eq(a1->recursive, 0);
	ck_assert_uint_eq(a2->recursive, 1);
	ck_assert_uint_eq(a3->recursive, 1);
	ck_assert_ptr_ne(a1, a2);
	ck_assert_ptr_ne(a2, a3);
	fp__tree_free(&t);
}
END_TEST

START_TEST(test_fp__tree_child_recursive_mutual)
{
	fp__tree_t t;
	fp__node_t *root, *a, *ab, *aba, *abab, *abc, *abca;
	fp__func_t *fa = fn("mutual", "a"), *fb = fn("mutual", "b"),
	    *fc = fn("mutual", "c");

	fp__tree_init(&t);
	root = fp__tree_new_root(&t);
	a = fp__tree_child(&t, root, fa);
	ab = fp__tree_child(&t, a, fb);
	aba = fp__tree_child(&t, ab, fa);
	abab = fp__tree_child(&t, aba, fb);
	abc = fp__tree_child(&t, ab, fc);
	abca = fp__tree_child(&t, abc, fa);
	ck_assert_uint_eq(a->recursive, 0);
	ck_assert_uint_eq(ab->recursive, 0);
	ck_assert_uint_eq(aba->recursive, 1);
	ck_assert_uint_eq(abab->recursive, 1);
	ck_assert_uint_eq(abc->recursive, 0);
	/* a reached again further down, through c. */
	ck_assert_uint_eq(abca->recursive, 1);
	fp__tree_free(&t);
}
END_TEST

START_TEST(test_fp__tree_child_not_recursive)
{
	fp__tree_t t;
	fp__node_t *r1, *r2, *a, *b, *c, *ab, *ba, *r2a;
	fp__func_t *fa = fn("notrec", "a"), *fb = fn("notrec", "b"),
	    *fc = fn("notrec", "c");

	fp__tree_init(&t);
	r1 = fp__tree_new_root(&t);
	r2 = fp__tree_new_root(&t);
	a = fp__tree_child(&t, r1, fa);
	b = fp__tree_child(&t, r1, fb);
	c = fp__tree_child(&t, a, fc);
	/* Siblings and cousins are not ancestors. */
	ab = fp__tree_child(&t, a, fb);
	ba = fp__tree_child(&t, b, fa);
	/* Nor is anything in another thread. */
	r2a = fp__tree_child(&t, r2, fa);
	ck_assert_uint_eq(a->recursive, 0);
	ck_assert_uint_eq(b->recursive, 0);
	ck_assert_uint_eq(c->recursive, 0);
	ck_assert_uint_eq(ab->recursive, 0);
	ck_assert_uint_eq(ba->recursive, 0);
	ck_assert_uint_eq(r2a->recursive, 0);
	fp__tree_free(&t);
}
END_TEST

START_TEST(test_fp__tree_child_ids_dense)
{
	fp__tree_t t;
	fp__node_t *root;
	fp__func_t *f[6];
	char name[8];
	size_t i, j;

	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof name, "f%zu", i);
		f[i] = fn("dense", name);
	}
	fp__tree_init(&t);
	root = fp__tree_new_root(&t);
	/* Every ordered pair, and repeats that must not make new ids. */
	for (i = 0; i < 6; i++)
		for (j = 0; j < 6; j++) {
			fp__func_t *p[2] = { f[i], f[j] };

			path(&t, root, p, 2);
			path(&t, root, p, 2);
		}
	ck_assert_uint_eq(t.count, 1 + 6 + 36);
	assert_dense(&t);
	fp__tree_new_root(&t);
	ck_assert_uint_eq(t.nodes[t.count - 1]->id, 43);
	assert_dense(&t);
	fp__tree_free(&t);
}
END_TEST

START_TEST(test_fp__tree_child_many)
{
	enum { N = 100000 };
	fp__tree_t t;
	fp__node_t *root, **kids;
	fp__func_t **funcs;
	char name[32];
	size_t i;

	funcs = malloc(N * sizeof *funcs);
	kids = malloc(N * sizeof *kids);
	ck_assert(funcs != NULL && kids != NULL);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof name, "f%zu", i);
		funcs[i] = fn("many", name);
	}
	fp__tree_init(&t);
	root = fp__tree_new_root(&t);
	/* A linear search would take minutes here; the test's timeout
	 * catches that. */
	for (i = 0; i < N; i++) {
		kids[i] = fp__tree_child(&t, root, funcs[i]);
		ck_assert_ptr_nonnull(kids[i]);
		/* Distinct: each is a new node with the next id. */
		ck_assert_uint_eq(kids[i]->id, i + 1);
		ck_assert_ptr_eq(kids[i]->func, funcs[i]);
	}
	ck_assert_uint_eq(t.count, N + 1);
	assert_dense(&t);
	/* Looked up again, in another order, each gives its node back. */
	for (i = N; i-- > 0;)
		ck_assert_ptr_eq(fp__tree_child(&t, root, funcs[i]), kids[i]);
	for (i = 0; i < N; i += 7)
		ck_assert_ptr_eq(fp__tree_child_slow(&t, root, funcs[i]),
		    kids[i]);
	ck_assert_uint_eq(t.count, N + 1);
	fp__tree_free(&t);
	free(kids);
	free(funcs);
}
END_TEST

START_TEST(test_fp__tree_child_deep)
{
	enum { DEPTH = 5000 };
	fp__tree_t t;
	fp__node_t *root, *node;
	fp__func_t *fa = fn("deep", "a"), *fb = fn("deep", "b");
	size_t i;

	/* a -> b -> a -> b ...: every node from depth 3 on is recursive. */
	fp__tree_init(&t);
	root = fp__tree_new_root(&t);
	node = root;
	for (i = 0; i < DEPTH; i++) {
		node = fp__tree_child(&t, node, i % 2 ? fb : fa);
		ck_assert_ptr_nonnull(node);
		ck_assert_uint_eq(node->depth, i + 1);
		ck_assert_uint_eq(node->recursive, i >= 2);
	}
	ck_assert_uint_eq(t.count, DEPTH + 1);
	assert_dense(&t);
	fp__tree_free(&t);
}
END_TEST

START_TEST(test_fp__tree_free_reuse)
{
	fp__tree_t t;
	fp__node_t *root, *a, *b;
	fp__func_t *fa = fn("reuse", "a"), *fb = fn("reuse", "b");
	char name[32];
	size_t i;

	fp__tree_init(&t);
	/* Enough nodes for several slabs and hash resizes. */
	root = fp__tree_new_root(&t);
	for (i = 0; i < 20000; i++) {
		snprintf(name, sizeof name, "g%zu", i);
		a = fp__tree_child(&t, root, fn("reuse", name));
		ck_assert_ptr_nonnull(a);
	}
	fp__tree_free(&t);
	ck_assert_uint_eq(t.count, 0);
	ck_assert_uint_eq(t.capacity, 0);
	ck_assert_uint_eq(t.nbuckets, 0);
	ck_assert_ptr_null(t.nodes);
	ck_assert_ptr_null(t.buckets);
	ck_assert_ptr_null(t.blocks);
	ck_assert_ptr_null(t.slab);

	/* Used again from scratch: ids restart, nothing remembered. */
	root = fp__tree_new_root(&t);
	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(root->id, 0);
	ck_assert_ptr_null(root->first_child);
	ck_assert_ptr_null(root->cached_child);
	a = fp__tree_child(&t, root, fa);
	b = fp__tree_child(&t, a, fb);
	ck_assert_uint_eq(a->id, 1);
	ck_assert_uint_eq(b->id, 2);
	ck_assert_ptr_eq(fp__tree_child(&t, root, fa), a);
	ck_assert_uint_eq(t.count, 3);
	fp__tree_free(&t);
	/* Freeing an empty tree, twice, is harmless. */
	fp__tree_free(&t);
	fp__tree_free(&t);
	ck_assert_uint_eq(t.count, 0);
}
END_TEST

START_TEST(test_fp__stats_init_empty)
{
	fp__stats_t s;

	memset(&s, 0xAB, sizeof s);
	fp__stats_init(&s);
	ck_assert_uint_eq(s.calls, 0);
	ck_assert_int_eq(s.own, 0);
	ck_assert_int_eq(s.total, 0);
	ck_assert_int_eq(s.suspended, 0);
	ck_assert_int_eq(s.sum, 0);
	ck_assert_int_eq(s.min, INT64_MAX);
	ck_assert_int_eq(s.max, 0);
}
END_TEST

START_TEST(test_fp__stats_add_activation_figures)
{
	fp__stats_t s;

	fp__stats_init(&s);
	fp__stats_add_activation(&s, 0, 30, 10);
	fp__stats_add_activation(&s, 0, 5, 0);
	ck_assert_uint_eq(s.calls, 2);
	ck_assert_int_eq(s.total, 35);
	ck_assert_int_eq(s.suspended, 10);
	ck_assert_int_eq(s.sum, 35);
	ck_assert_int_eq(s.min, 5);
	ck_assert_int_eq(s.max, 30);
	/* A recursive activation counts, but not towards total. */
	fp__stats_add_activation(&s, 1, 100, 7);
	ck_assert_uint_eq(s.calls, 3);
	ck_assert_int_eq(s.total, 35);
	ck_assert_int_eq(s.suspended, 10);
	ck_assert_int_eq(s.sum, 135);
	ck_assert_int_eq(s.max, 100);
	ck_assert_int_eq(s.own, 0);
}
END_TEST

START_TEST(test_fp__stats_merge_sums)
{
	fp__stats_t a, b, e;

	fp__stats_init(&a);
	fp__stats_init(&b);
	a.calls = 2; a.own = 10; a.total = 30; a.suspended = 4; a.sum = 31;
	a.min = 5; a.max = 20;
	b.calls = 3; b.own = 1; b.total = 2; b.suspended = 1; b.sum = 40;
	b.min = 2; b.max = 19;
	fp__stats_merge(&a, &b);
	ck_assert_uint_eq(a.calls, 5);
	ck_assert_int_eq(a.own, 11);
	ck_assert_int_eq(a.total, 32);
	ck_assert_int_eq(a.suspended, 5);
	ck_assert_int_eq(a.sum, 71);
	ck_assert_int_eq(a.min, 2);
	ck_assert_int_eq(a.max, 20);
	/* b is left as it was. */
	ck_assert_uint_eq(b.calls, 3);
	ck_assert_int_eq(b.min, 2);

	/* Into an empty record: a copy. */
	fp__stats_init(&e);
	fp__stats_merge(&e, &b);
	ck_assert_mem_eq(&e, &b, sizeof e);

	/* An empty record changes nothing, min and max included. */
	fp__stats_init(&e);
	b.max = 50;
	fp__stats_merge(&b, &e);
	ck_assert_uint_eq(b.calls, 3);
	ck_assert_int_eq(b.min, 2);
	ck_assert_int_eq(b.max, 50);
	ck_assert_int_eq(b.sum, 40);
}
END_TEST

/* Returns the suite of runtime/trace/calltree.c. */
Suite *
suite_calltree(void)
{
	Suite *s = suite_create("calltree");
	TCase *tc;

	tc = tcase_create("fp__tree_init");
	tcase_add_test(tc, test_fp__tree_init_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__tree_new_root");
	tcase_add_test(tc, test_fp__tree_new_root_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__tree_child");
	tcase_add_test(tc, test_fp__tree_child_same);
	tcase_add_test(tc, test_fp__tree_child_different);
	tcase_add_test(tc, test_fp__tree_child_fields);
	tcase_add_test(tc, test_fp__tree_child_recursive_direct);
	tcase_add_test(tc, test_fp__tree_child_recursive_mutual);
	tcase_add_test(tc, test_fp__tree_child_not_recursive);
	tcase_add_test(tc, test_fp__tree_child_ids_dense);
	tcase_add_test(tc, test_fp__tree_child_many);
	tcase_add_test(tc, test_fp__tree_child_deep);
	/* 100k children take well under a second with a hash, and tens of
	 * seconds with a list; the margin is for sanitizer builds. */
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__tree_free");
	tcase_add_test(tc, test_fp__tree_free_reuse);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__stats");
	tcase_add_test(tc, test_fp__stats_init_empty);
	tcase_add_test(tc, test_fp__stats_add_activation_figures);
	tcase_add_test(tc, test_fp__stats_merge_sums);
	suite_add_tcase(s, tc);
	return s;
}
