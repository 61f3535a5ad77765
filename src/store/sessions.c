/*
 * fs_store_tick_sessions: once per closed second, a file per routing
 * session (BGP, BFD) and first-hop group (VRRP, CARP, HSRP), up to
 * max_session_files; sessions refused by the cap are counted per second.
 * A session gone from its tracker gives its place back.
 */
#include <stdlib.h>
#include <string.h>

#include "store_priv.h"

#define USEC 1000000LL

struct fs_hword fs_store_session_word(const struct fs_store *s,
				      const struct fs_store_session *k)
{
	uint64_t ips[4], name = 0;
	memcpy(ips, k->ip, sizeof(ips));
	memcpy(&name, k->proto, sizeof(k->proto) < 8 ? sizeof(k->proto) : 8);
	uint64_t w[2] = { fs_seg_word(k->seg) ^ (uint64_t)FS_STORE_K_SESSION << 56,
			  fs_hkey_fold(&s->hkey, ips, 4) ^ name ^
				  (uint64_t)k->extra << 48 ^
				  (uint64_t)k->ip_version << 40 };
	return fs_hkey_words(&s->hkey, w, 2);
}

int fs_store_strk_init(struct fs_store *s)
{
	uint32_t cap = s->cfg.max_session_files ? s->cfg.max_session_files : 1;
	s->cfg.max_session_files = cap;
	s->strk = calloc(cap, sizeof(*s->strk));
	if (!s->strk || fs_hidx_init(&s->strk_ix, cap) != 0 ||
	    fs_hids_init(&s->strk_ids, cap) != 0)
		return -1;
	return 0;
}

void fs_store_strk_fini(struct fs_store *s)
{
	free(s->strk);
	fs_hidx_fini(&s->strk_ix);
	fs_hids_fini(&s->strk_ids);
}

struct match_ctx {
	const struct fs_store *s;
	const struct fs_store_session *k;
};

static bool strk_match(const void *ctx, uint32_t i)
{
	const struct match_ctx *m = ctx;
	const struct fs_store_strk *t = &m->s->strk[i];
	return t->used && memcmp(&t->k, m->k, sizeof(*m->k)) == 0;
}

/* Has this session a file (or may it get one)? */
static bool tracked(struct fs_store *s, const struct fs_store_session *k)
{
	struct fs_hword h = fs_store_session_word(s, k);
	struct match_ctx m = { s, k };
	uint32_t i = fs_hidx_find_match(&s->strk_ix, h.word, h.hash,
					strk_match, &m);
	if (i == FS_HIDX_NONE) {
		i = fs_hids_get(&s->strk_ids);
		if (i == FS_HIDX_NONE) {
			s->sessions_not_stored++;
			return false;
		}
		memset(&s->strk[i], 0, sizeof(s->strk[i]));
		s->strk[i].used = true;
		s->strk[i].k = *k;
		fs_hidx_insert(&s->strk_ix, h.word, h.hash, i);
	}
	s->strk[i].seen = true;
	return true;
}

int fs_store_update_session(struct fs_store *s, int64_t ts_us,
			    const struct fs_store_session *k,
			    const uint64_t v[FS_STORE_SESSION_DS],
			    uint32_t unknown)
{
	struct fs_store_rec r = { .ts_s = ts_us / USEC,
				  .kind = FS_STORE_K_SESSION,
				  .unknown = unknown };
	r.sess = *k;
	memcpy(r.v, v, sizeof(uint64_t) * FS_STORE_SESSION_DS);
	return fs_store_push(s, &r);
}

/* The silence so far, as a gauge: the last gap, or longer while the next
 * is awaited, so a starving sender shows while it starves. */
static uint64_t gap_now(const struct fs_arrivals *t, int64_t end_us)
{
	uint32_t now = fs_arrivals_gap_ms(t, end_us);
	return now > t->last_gap_ms ? now : t->last_gap_ms;
}

struct feed {
	struct fs_store *s;
	int64_t end_us;
};

static void feed(struct feed *f, const struct fs_store_session *k,
		 const uint64_t v[FS_STORE_SESSION_DS], uint32_t unknown)
{
	if (tracked(f->s, k))
		fs_store_update_session(f->s, f->end_us, k, v, unknown);
}

void fs_store_session_key(struct fs_store_session *k, const char *proto,
			  struct fs_seg seg, uint8_t ipv, const uint8_t *a,
			  const uint8_t *b, uint16_t extra)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->proto, proto, strnlen(proto, sizeof(k->proto) - 1));
	k->seg = seg;
	k->ip_version = ipv;
	if (a)
		memcpy(k->ip[0], a, 16);
	if (b)
		memcpy(k->ip[1], b, 16);
	k->extra = extra;
}

static void feed_bgp(const struct fs_bgp_session_view *v, void *ctx)
{
	struct feed *f = ctx;
	struct fs_store_session k;
	fs_store_session_key(&k, "bgp", v->seg, v->ip_version, v->side[0].ip,
			     v->side[1].ip, 0);
	bool up = v->state == FS_BGP_ESTABLISHED;
	uint64_t val[FS_STORE_SESSION_DS] = {
		[FS_STORE_SS_GAP0] = gap_now(v->side[0].timing, f->end_us),
		[FS_STORE_SS_GAP1] = gap_now(v->side[1].timing, f->end_us),
		[FS_STORE_SS_UP] = up,
		[FS_STORE_SS_LATE] = v->side[0].timing->late +
				     v->side[1].timing->late,
		[FS_STORE_SS_MESSAGES] = v->side[0].messages + v->side[1].messages,
		[FS_STORE_SS_WITHDRAWN] = v->side[0].withdrawn +
					  v->side[1].withdrawn,
		[FS_STORE_SS_CHANGES] = v->downs,
	};
	/* A session not established keeps no rhythm. */
	feed(f, &k, val, up ? 0 : 1u << FS_STORE_SS_GAP0 | 1u << FS_STORE_SS_GAP1);
}

static void feed_bfd(const struct fs_bfd_session_view *v, void *ctx)
{
	struct feed *f = ctx;
	struct fs_store_session k;
	fs_store_session_key(&k, "bfd", v->seg, v->ip_version, v->end[0].ip,
			     v->end[1].ip, v->port);
	uint64_t val[FS_STORE_SESSION_DS] = {
		[FS_STORE_SS_GAP0] = gap_now(v->end[0].timing, f->end_us),
		[FS_STORE_SS_GAP1] = gap_now(v->end[1].timing, f->end_us),
		[FS_STORE_SS_UP] = v->up,
		[FS_STORE_SS_LATE] = v->end[0].late_total + v->end[1].late_total,
		[FS_STORE_SS_MESSAGES] = v->end[0].packets + v->end[1].packets,
		[FS_STORE_SS_CHANGES] = v->downs,
	};
	uint32_t unknown = 1u << FS_STORE_SS_WITHDRAWN;
	for (int i = 0; i < 2; i++)
		if (v->end[i].timing->last_us == 0)
			unknown |= 1u << (FS_STORE_SS_GAP0 + i);
	feed(f, &k, val, unknown);
}

static void feed_fhrp(const struct fs_fhrp_group_view *v, void *ctx)
{
	struct feed *f = ctx;
	struct fs_store_session k;
	fs_store_session_key(&k, fs_fhrp_proto_name((enum fs_fhrp_proto)v->proto),
			     v->seg, v->ip_version, NULL, NULL, v->group);
	uint64_t adverts = 0;
	for (unsigned i = 0; i < v->n_speakers; i++)
		adverts += v->speaker[i].adverts;
	bool up = v->state == FS_FHRP_MASTER || v->state == FS_FHRP_CONTENDED ||
		  v->state == FS_FHRP_RESIGNING;
	uint64_t val[FS_STORE_SESSION_DS] = {
		[FS_STORE_SS_GAP0] = gap_now(v->timing, f->end_us),
		[FS_STORE_SS_UP] = up,
		[FS_STORE_SS_LATE] = v->late_total,
		[FS_STORE_SS_MESSAGES] = adverts,
		[FS_STORE_SS_CHANGES] = v->changes,
	};
	uint32_t unknown = 1u << FS_STORE_SS_GAP1 | 1u << FS_STORE_SS_WITHDRAWN;
	if (v->timing->last_us == 0)
		unknown |= 1u << FS_STORE_SS_GAP0;
	feed(f, &k, val, unknown);
}

void fs_store_tick_sessions(struct fs_store *s, int64_t sec_start_us,
			    const struct fs_bgp *bgp, const struct fs_bfd *bfd,
			    const struct fs_fhrp *fhrp)
{
	if (!s)
		return;
	struct feed f = { s, sec_start_us + USEC };
	for (uint32_t i = 0; i < s->cfg.max_session_files; i++)
		s->strk[i].seen = false;
	if (bgp)
		fs_bgp_foreach(bgp, feed_bgp, &f);
	if (bfd)
		fs_bfd_foreach(bfd, feed_bfd, &f);
	if (fhrp)
		fs_fhrp_foreach(fhrp, feed_fhrp, &f);
	/* Gone from their trackers: their places go back. */
	for (uint32_t i = 0; i < s->cfg.max_session_files; i++) {
		struct fs_store_strk *t = &s->strk[i];
		if (!t->used || t->seen)
			continue;
		struct fs_hword h = fs_store_session_word(s, &t->k);
		fs_hidx_remove_val(&s->strk_ix, h.word, h.hash, i);
		fs_hids_put(&s->strk_ids, i);
		t->used = false;
	}
}
