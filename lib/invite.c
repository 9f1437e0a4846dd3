/*
 * invite.c: welcome messages for new users: one RFC 5322 message each,
 * composed from a template into a maildir's tmp/, then moved to new/
 * and/or piped to sendmail once the store has committed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "internal.h"

#define LINE_MAX_OCTETS	998		/* RFC 5322 §2.1.1 */
#define TMPL_MAX	(1024 * 1024)	/* bytes of a template file */
#define EW_LINE		76		/* RFC 2047 §2: encoded-word lines */

/* The placeholders, in the order of the values invite_add() passes. */
enum { P_USERNAME = 0, P_EMAIL, P_FIRST, P_LAST, P_PASSWORD, P_COUNT };

static const char *const placeholders[P_COUNT] = {
	"username", "email", "first_name", "last_name", "password"
};

static const char default_subject[] = "Your new account";

static const char default_body[] =
	"Hello {first_name},\n"
	"\n"
	"an account has been made for you.\n"
	"\n"
	"Username: {username}\n"
	"Password: {password}\n"
	"\n"
	"This password is for your first sign-in only: please change it\n"
	"when you first sign in.\n";

/* A message composed into tmp/, waiting for the commit. */
struct msg {
	char	*name;		/* the maildir file name */
	char	*email;		/* the recipient, for messages */
};

struct invite {
	char		*dir;		/* the maildir (ours when private) */
	int		 private;	/* dir is a mkdtemp(3) of ours */
	char		*sendmail;	/* NULL: no sendmail */
	char		*host;		/* the host name, for Message-ID */
	char		*mhost;		/* the same, safe in a maildir name */
	struct buf	 from;		/* the From: value, encoded */
	struct buf	 reply_to;	/* the Reply-To: value or empty */
	char		*subject;	/* with placeholders */
	char		*body;		/* with placeholders, LF line ends */
	struct msg	*msgs;
	size_t		 nmsgs, capmsgs;
	unsigned long	 counter;	/* deliveries, for unique names */
};

/* Append p[0..n) to b through buf_grow_secret(). */
static int
wadd(struct buf *b, const void *p, size_t n)
{
	if (buf_grow_secret(b, n) != UIMP_OK)
		return UIMP_ENOMEM;
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return UIMP_OK;
}

/* Append the string s to b through buf_grow_secret(). */
static int
wadds(struct buf *b, const char *s)
{
	return wadd(b, s, strlen(s));
}

/* Whether s[0..n) is all printable ASCII (tabs and spaces too). */
static int
is_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x7f ||
		    ((unsigned char)s[i] < 0x20 && s[i] != '\t'))
			return 0;
	return 1;
}

/* Append the base64 of p[0..n) (RFC 4648, padded) to b. */
static int
add_base64(struct buf *b, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	unsigned long v;
	size_t i;

	for (i = 0; i < n; i += 3) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = tab[v >> 18 & 63];
		q[1] = tab[v >> 12 & 63];
		q[2] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? tab[v & 63] : '=';
		if (wadd(b, q, 4) != UIMP_OK)
			return UIMP_ENOMEM;
	}
	return UIMP_OK;
}

/*
 * Append s[0..n) (UTF-8) as RFC 2047 B encoded-words, folded so that no
 * line passes EW_LINE characters; *col is the column the first one starts
 * in, and gets the column after the last.  Words split between whole
 * characters, so each decodes alone.
 */
static int
add_encoded(struct buf *b, const char *s, size_t n, size_t *col)
{
	unsigned long cp;
	size_t i, k, step, room;

	for (i = 0; i < n; i += step) {
		if (*col + 12 + 4 > EW_LINE && i > 0) {
			if (wadds(b, "\r\n ") != UIMP_OK)
				return UIMP_ENOMEM;
			*col = 1;
		}
		/* 12 octets of =?UTF-8?B? and ?=, 4 base64 for 3 bytes */
		room = *col + 12 + 4 <= EW_LINE ?
		    (EW_LINE - *col - 12) / 4 * 3 : 3;
		for (step = 0; i + step < n; step += k) {
			k = utf8_decode((const unsigned char *)s + i + step,
			    n - i - step, &cp);
			if (k == 0)
				k = 1;
			if (step + k > room && step > 0)
				break;
		}
		if (wadds(b, "=?UTF-8?B?") != UIMP_OK ||
		    add_base64(b, (const unsigned char *)s + i, step) ||
		    wadds(b, "?=") != UIMP_OK)
			return UIMP_ENOMEM;
		*col += 12 + (step + 2) / 3 * 4;
	}
	return UIMP_OK;
}

/*
 * Append a mailbox, name <addr> (or addr alone when name is empty): the
 * name as a quoted string when it is ASCII, else as encoded-words.  name
 * holds no control character (the caller saw to it); *col as above.
 */
static int
add_mailbox(struct buf *b, const char *name, const char *addr, size_t *col)
{
	size_t n = strlen(name), i;

	if (n == 0) {
		*col += strlen(addr);
		return wadds(b, addr);
	}
	if (is_ascii(name, n)) {
		/* a quoted string: " and \ escaped */
		if (wadds(b, "\"") != UIMP_OK)
			return UIMP_ENOMEM;
		for (i = 0; i < n; i++) {
			if (name[i] == '"' || name[i] == '\\') {
				if (wadds(b, "\\") != UIMP_OK)
					return UIMP_ENOMEM;
				(*col)++;
			}
			if (wadd(b, name + i, 1) != UIMP_OK)
				return UIMP_ENOMEM;
		}
		if (wadds(b, "\"") != UIMP_OK)
			return UIMP_ENOMEM;
		*col += n + 2;
	} else if (add_encoded(b, name, n, col) != UIMP_OK)
		return UIMP_ENOMEM;
	if (*col + 3 + strlen(addr) > 78) {
		if (wadds(b, "\r\n") != UIMP_OK)
			return UIMP_ENOMEM;
		*col = 0;
	}
	*col += 3 + strlen(addr);
	if (wadds(b, " <") != UIMP_OK || wadds(b, addr) != UIMP_OK ||
	    wadds(b, ">") != UIMP_OK)
		return UIMP_ENOMEM;
	return UIMP_OK;
}

/* Whether addr is an address the email rule takes, as it is. */
static int
address_ok(const char *addr)
{
	struct uimp_verdict v;
	char out[256];
	size_t n = strlen(addr);

	return n > 0 && n < sizeof(out) && uimp_field_check(UIMP_F_EMAIL, 0,
	    addr, n, NULL, out, sizeof(out), &v) == 0 &&
	    strcmp(out, addr) == 0;
}

/*
 * Parse s, "addr" or "Name <addr>" (the name maybe quoted), into the
 * header value b; -1 when s is no such mailbox.
 */
static int
parse_mailbox(struct buf *b, const char *s, size_t col)
{
	const char *lt, *gt;
	char *name = NULL, *addr = NULL;
	size_t n, i, k;
	int rc = -1;

	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n > 0 && s[n - 1] == '>' && (lt = memchr(s, '<', n)) != NULL) {
		gt = s + n - 1;
		if ((addr = strndup(lt + 1, (size_t)(gt - lt - 1))) == NULL)
			goto out;
		n = (size_t)(lt - s);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
			s++, n -= 2;
		if ((name = strndup(s, n)) == NULL)
			goto out;
		/* drop the quoted string's backslashes; a bare " is bad */
		for (i = k = 0; name[i]; i++) {
			if (name[i] == '"')
				goto out;
			if (name[i] == '\\' && name[i + 1])
				i++;
			name[k++] = name[i];
		}
		name[k] = '\0';
	} else if ((addr = strndup(s, n)) == NULL ||
	    (name = strdup("")) == NULL)
		goto out;
	if (!address_ok(addr) || uimp_utf8_len(name, strlen(name), NULL) < 0)
		goto out;
	for (i = 0; name[i]; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			goto out;
	buf_reset(b);
	rc = add_mailbox(b, name, addr, &col) == UIMP_OK ? 0 : -1;
out:
	free(name);
	free(addr);
	return rc;
}

/*
 * Expand the placeholders of s[0..n) into out with vals (P_COUNT strings);
 * with out NULL only check.  Returns 0, or -1 when out cannot grow or
 * (*bad set, to the fault in s) a { opens no known placeholder.
 */
static int
expand(const char *s, size_t n, const char *const *vals, struct buf *out,
    const char **bad)
{
	const char *end = s + n, *p, *q;
	size_t i, len;

	for (p = s; p < end; p = q) {
		if ((q = memchr(p, '{', (size_t)(end - p))) == NULL)
			q = end;
		if (out && wadd(out, p, (size_t)(q - p)) != UIMP_OK)
			goto nomem;
		if (q == end)
			break;
		if (q + 1 < end && q[1] == '{') {
			if (out && wadd(out, "{", 1) != UIMP_OK)
				goto nomem;
			q += 2;
			continue;
		}
		p = q + 1;
		while (p < end && ((*p >= 'a' && *p <= 'z') || *p == '_'))
			p++;
		len = (size_t)(p - q - 1);
		for (i = 0; i < P_COUNT; i++)
			if (strlen(placeholders[i]) == len &&
			    memcmp(placeholders[i], q + 1, len) == 0)
				break;
		if (p == end || *p != '}' || i == P_COUNT) {
			*bad = q;
			return -1;
		}
		if (out && wadds(out, vals[i]) != UIMP_OK)
			goto nomem;
		q = p + 1;
	}
	return 0;
nomem:
	*bad = NULL;
	return -1;
}

/* An error in the template file tmpl at line (0: none): UIMP_EINVAL. */
static int
tmpl_err(const char *tmpl, unsigned long line, struct uimp_err *e,
    const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return UIMP_EINVAL;
	e->status = UIMP_EINVAL;
	e->sys_errno = 0;
	if (line > 0)
		snprintf(e->where, sizeof(e->where), "%s:%lu", tmpl, line);
	else
		snprintf(e->where, sizeof(e->where), "%s", tmpl);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return UIMP_EINVAL;
}

/*
 * The template error for line ln of tmpl, where expand() found bad: the
 * unknown placeholder, or the { that opens none.
 */
static int
placeholder_err(const char *tmpl, unsigned long ln, const char *bad,
    struct uimp_err *e)
{
	size_t n = 1;

	while (n < 40 && ((bad[n] >= 'a' && bad[n] <= 'z') ||
	    (bad[n] >= 'A' && bad[n] <= 'Z') || bad[n] == '_' ||
	    (bad[n] >= '0' && bad[n] <= '9')))
		n++;
	if (bad[n] == '}' && n > 1)
		return tmpl_err(tmpl, ln, e, "unknown placeholder '%.*s}': "
		    "the placeholders are {username} {email} {first_name} "
		    "{last_name} {password}", (int)n, bad);
	return tmpl_err(tmpl, ln, e, "unknown placeholder: a '{' that "
	    "opens none ('%.*s'); write '{{' for a brace", (int)n, bad);
}

/* Read the file at path, at most TMPL_MAX bytes, into b. */
static int
slurp(const char *path, struct buf *b, struct uimp_err *e)
{
	char chunk[8192];
	ssize_t n;
	int fd, rc = UIMP_OK;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return uimp_err_set(e, UIMP_EIO, errno, path,
		    "cannot open the template");
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = uimp_err_set(e, UIMP_EIO, errno, path,
			    "cannot read the template");
			break;
		}
		if (n == 0)
			break;
		if (b->len + (size_t)n > TMPL_MAX) {
			rc = uimp_err_set(e, UIMP_EINVAL, 0, path, "the "
			    "template is larger than %d KiB", TMPL_MAX / 1024);
			break;
		}
		if (buf_add(b, chunk, (size_t)n) != UIMP_OK) {
			rc = uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
			    uimp_strstatus(UIMP_ENOMEM));
			break;
		}
	}
	close(fd);
	if (rc == UIMP_OK && buf_adds(b, "") != UIMP_OK)
		rc = uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
		    uimp_strstatus(UIMP_ENOMEM));
	return rc;
}

/* Whether line (NUL-terminated) starts with header name h and a colon. */
static const char *
header_value(const char *line, const char *h)
{
	size_t n = strlen(h);

	if (strncasecmp(line, h, n) != 0 || line[n] != ':')
		return NULL;
	line += n + 1;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

/*
 * Parse the template text t (NUL-terminated, the file tmpl) into iv:
 * header lines first when the first line is one, a blank line, the body.
 */
static int
parse_template(struct invite *iv, char *t, const char *tmpl,
    struct uimp_err *e)
{
	static const char *const known[] = { "Subject", "From", "Reply-To" };
	struct buf body = BUF_INIT;
	char *p, *line, *nl, *name;
	const char *v, *ph;
	unsigned long ln = 0;
	size_t len, bad, i;
	int in_head = -1, rc = UIMP_OK, seen[3] = { 0, 0, 0 };

	if (buf_adds(&body, "") != UIMP_OK)
		goto nomem;
	p = t;
	if (strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;		/* a byte order mark from an editor */
	while (*p) {
		line = p;
		if ((nl = strchr(p, '\n')) != NULL) {
			*nl = '\0';
			p = nl + 1;
		} else
			p = line + strlen(line);
		ln++;
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len > LINE_MAX_OCTETS) {
			rc = tmpl_err(tmpl, ln, e, "a line of %zu octets: "
			    "mail takes at most %d", len, LINE_MAX_OCTETS);
			goto out;
		}
		if (uimp_utf8_len(line, len, &bad) < 0) {
			rc = tmpl_err(tmpl, ln, e, "not UTF-8 (byte %zu of "
			    "the line): save the template as UTF-8", bad + 1);
			goto out;
		}
		for (i = 0; i < len; i++)
			if (((unsigned char)line[i] < 0x20 &&
			    line[i] != '\t') || line[i] == 0x7f) {
				rc = tmpl_err(tmpl, ln, e, "a control "
				    "character: a template holds text, tabs "
				    "and line breaks only");
				goto out;
			}
		if (in_head == -1) {
			/* a header section only when a known one opens it */
			in_head = 0;
			for (i = 0; i < 3; i++)
				if (header_value(line, known[i]) != NULL)
					in_head = 1;
		}
		if (in_head == 1) {
			if (len == 0) {
				in_head = 0;
				continue;
			}
			if (*line == ' ' || *line == '\t') {
				rc = tmpl_err(tmpl, ln, e, "a header folded "
				    "over lines: write it on one line");
				goto out;
			}
			for (i = 0; i < 3; i++)
				if ((v = header_value(line, known[i])) != NULL)
					break;
			if (i == 3) {
				name = line;
				name[strcspn(name, ":")] = '\0';
				rc = tmpl_err(tmpl, ln, e, "'%s' is not a "
				    "header a template sets: Subject, From and "
				    "Reply-To are, then a blank line and the "
				    "body", name);
				goto out;
			}
			if (seen[i]++) {
				rc = tmpl_err(tmpl, ln, e, "a second %s: "
				    "header", known[i]);
				goto out;
			}
			if (*v == '\0') {
				rc = tmpl_err(tmpl, ln, e, "an empty %s: "
				    "header", known[i]);
				goto out;
			}
			if (i == 0) {
				if (expand(v, strlen(v), NULL, NULL,
				    &ph) == -1) {
					rc = placeholder_err(tmpl, ln, ph, e);
					goto out;
				}
				free(iv->subject);
				if ((iv->subject = strdup(v)) == NULL)
					goto nomem;
			} else if (parse_mailbox(i == 1 ? &iv->from :
			    &iv->reply_to, v, i == 1 ? 6 : 10) == -1) {
				rc = tmpl_err(tmpl, ln, e, "%s: expected an "
				    "address such as it@example.com or "
				    "\"IT Desk\" <it@example.com>", known[i]);
				goto out;
			}
			continue;
		}
		if (expand(line, len, NULL, NULL, &ph) == -1) {
			rc = placeholder_err(tmpl, ln, ph, e);
			goto out;
		}
		if (buf_add(&body, line, len) != UIMP_OK ||
		    buf_addc(&body, '\n') != UIMP_OK)
			goto nomem;
	}
	if (in_head == 1) {
		rc = tmpl_err(tmpl, ln, e, "no body: the headers end at a "
		    "blank line, and the body follows it");
		goto out;
	}
	if (body.len == 0) {
		rc = tmpl_err(tmpl, ln, e, "the template has no body text");
		goto out;
	}
	free(iv->body);
	iv->body = body.s;
	body.s = NULL;
out:
	buf_release(&body);
	return rc;
nomem:
	rc = uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
	    uimp_strstatus(UIMP_ENOMEM));
	goto out;
}

/* Make path a directory, mode 0700, when it is missing. */
static int
make_dir(const char *path, struct uimp_err *e)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return UIMP_OK;
	if (errno != EEXIST)
		return uimp_err_set(e, UIMP_EWRITE, errno, path,
		    "cannot make the outbox folder");
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode))
		return uimp_err_set(e, UIMP_EWRITE, ENOTDIR, path,
		    "cannot use it as an outbox folder");
	if (access(path, W_OK | X_OK) == -1)
		return uimp_err_set(e, UIMP_EWRITE, errno, path,
		    "cannot write in the outbox folder");
	return UIMP_OK;
}

/* dir/sub into out; UIMP_EINVAL when the path is too long. */
static int
join(char *out, size_t outsz, const char *dir, const char *sub,
    const char *name, struct uimp_err *e)
{
	int n;

	if (name)
		n = snprintf(out, outsz, "%s/%s/%s", dir, sub, name);
	else
		n = snprintf(out, outsz, "%s/%s", dir, sub);
	if (n < 0 || (size_t)n >= outsz)
		return uimp_err_set(e, UIMP_EINVAL, ENAMETOOLONG, dir,
		    "cannot use it as an outbox folder");
	return UIMP_OK;
}

/* Free iv and everything it holds; NULL does nothing. */
static void
invite_free(struct invite *iv)
{
	size_t i;

	if (iv == NULL)
		return;
	for (i = 0; i < iv->nmsgs; i++) {
		free(iv->msgs[i].name);
		free(iv->msgs[i].email);
	}
	free(iv->msgs);
	free(iv->dir);
	free(iv->sendmail);
	free(iv->host);
	free(iv->mhost);
	buf_release(&iv->from);
	buf_release(&iv->reply_to);
	free(iv->subject);
	free(iv->body);
	free(iv);
}

/* The host name for Message-ID and maildir names ("localhost" if none). */
static int
set_host(struct invite *iv)
{
	char h[256];
	struct buf m = BUF_INIT;
	size_t i;
	int rc = UIMP_OK;

	if (gethostname(h, sizeof(h)) == -1 || h[0] == '\0')
		snprintf(h, sizeof(h), "localhost");
	h[sizeof(h) - 1] = '\0';
	/* Message-ID's right side: a dot-atom of the safe characters */
	for (i = 0; h[i]; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') ||
		    (h[i] >= 'A' && h[i] <= 'Z') ||
		    (h[i] >= '0' && h[i] <= '9') || h[i] == '-' ||
		    (h[i] == '.' && i > 0 && h[i + 1] && h[i - 1] != '.')))
			h[i] = '-';
	if ((iv->host = strdup(h)) == NULL)
		return UIMP_ENOMEM;
	/* the maildir spec: / and : written as \057 and \072 */
	for (i = 0; h[i] && rc == UIMP_OK; i++)
		if (h[i] == '/')
			rc = buf_adds(&m, "\\057");
		else if (h[i] == ':')
			rc = buf_adds(&m, "\\072");
		else
			rc = buf_addc(&m, h[i]);
	iv->mhost = m.s;
	return rc;
}

/*
 * Open: the sender, the template (checked whole now), and the folder the
 * messages wait in.  See lib/internal.h.
 */
int
invite_open(struct invite **out, const char *dir, const char *tmpl,
    const char *from, const char *sendmail, struct uimp_err *e)
{
	struct invite *iv;
	struct buf t = BUF_INIT;
	char path[PATH_MAX];
	const char *tmpdir;
	int rc;

	*out = NULL;
	if ((iv = calloc(1, sizeof(*iv))) == NULL || set_host(iv) != UIMP_OK)
		goto nomem;
	if (sendmail && (iv->sendmail = strdup(sendmail)) == NULL)
		goto nomem;
	if (sendmail && (*sendmail != '/' || access(sendmail, X_OK) == -1)) {
		rc = uimp_err_set(e, UIMP_EINVAL, *sendmail == '/' ? errno : 0,
		    sendmail, "cannot run sendmail%s", *sendmail == '/' ? "" :
		    ": expected an absolute path");
		goto fail;
	}

	/* the sender: the template's, else from, else userimp@host */
	if (from == NULL || *from == '\0') {
		if (buf_adds(&iv->from, "userimp@") != UIMP_OK ||
		    buf_adds(&iv->from, iv->host) != UIMP_OK)
			goto nomem;
	} else if (parse_mailbox(&iv->from, from, 6) == -1) {
		rc = uimp_err_set(e, UIMP_EINVAL, 0, "invite.from", "'%.100s' "
		    "is not a sender address: expected local@example.com",
		    from);
		goto fail;
	}
	if (tmpl) {
		if ((rc = slurp(tmpl, &t, e)) != UIMP_OK)
			goto fail;
		if ((rc = parse_template(iv, t.s, tmpl, e)) != UIMP_OK)
			goto fail;
	} else if ((iv->body = strdup(default_body)) == NULL)
		goto nomem;
	if (iv->subject == NULL &&
	    (iv->subject = strdup(default_subject)) == NULL)
		goto nomem;

	if (dir) {
		if ((iv->dir = strdup(dir)) == NULL)
			goto nomem;
		if ((rc = make_dir(dir, e)) != UIMP_OK)
			goto fail;
		if ((rc = join(path, sizeof(path), dir, "tmp", NULL, e)) ||
		    (rc = make_dir(path, e)) ||
		    (rc = join(path, sizeof(path), dir, "new", NULL, e)) ||
		    (rc = make_dir(path, e)) ||
		    (rc = join(path, sizeof(path), dir, "cur", NULL, e)) ||
		    (rc = make_dir(path, e)))
			goto fail;
	} else if (sendmail) {
		/* messages wait for the commit in a folder of our own */
		if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
			tmpdir = "/tmp";
		if (snprintf(path, sizeof(path), "%s/userimp-invite.XXXXXX",
		    tmpdir) >= (int)sizeof(path)) {
			rc = uimp_err_set(e, UIMP_EINVAL, ENAMETOOLONG, tmpdir,
			    "cannot make a temporary folder");
			goto fail;
		}
		if (mkdtemp(path) == NULL) {
			rc = uimp_err_set(e, UIMP_EWRITE, errno, tmpdir,
			    "cannot make a temporary folder");
			goto fail;
		}
		iv->private = 1;
		if ((iv->dir = strdup(path)) == NULL) {
			rmdir(path);
			goto nomem;
		}
		if ((rc = join(path, sizeof(path), iv->dir, "tmp", NULL, e)) ||
		    (rc = make_dir(path, e)))
			goto fail;
	} else
		UIMP_BUG("invite_open: neither an outbox nor sendmail");
	buf_release(&t);
	*out = iv;
	return UIMP_OK;
nomem:
	rc = uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
	    uimp_strstatus(UIMP_ENOMEM));
fail:
	buf_release(&t);
	invite_abort(iv);
	return rc;
}

/* Append the date now, RFC 5322 §3.3, in the local zone, to b. */
static int
add_date(struct buf *b)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm;
	time_t now = time(NULL);
	char s[64];
	long off;

	if (localtime_r(&now, &tm) == NULL)
		gmtime_r(&now, &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(s, sizeof(s), "%.3s, %d %.3s %d %02d:%02d:%02d %c%02ld%02ld",
	    days + 3 * (tm.tm_wday % 7), tm.tm_mday,
	    months + 3 * (tm.tm_mon % 12), tm.tm_year + 1900, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', labs(off) / 60,
	    labs(off) % 60);
	return wadds(b, s);
}

/* Append a new Message-ID, <32 hex digits@host>, to b. */
static int
add_msgid(struct invite *iv, struct buf *b)
{
	unsigned char r[16];
	char s[40];
	struct timeval tv;
	size_t i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		/* no randomness: time, pid and count are unique enough */
		gettimeofday(&tv, NULL);
		memset(r, 0, sizeof(r));
		memcpy(r, &tv, sizeof(tv) < 8 ? sizeof(tv) : 8);
		r[8] = (unsigned char)getpid();
		r[9] = (unsigned char)(getpid() >> 8);
		r[10] = (unsigned char)iv->counter;
	}
	for (i = 0; i < sizeof(r); i++)
		snprintf(s + 2 * i, 3, "%02x", r[i]);
	return wadds(b, "<") || wadds(b, s) || wadds(b, "@") ||
	    wadds(b, iv->host) || wadds(b, ">") ? UIMP_ENOMEM : UIMP_OK;
}

/*
 * Copy the name s into out with each run of control characters as one
 * space: a name never carries a line break into a header.  -1 when it
 * does not fit.
 */
static int
fold_name(char *out, size_t outsz, const char *s)
{
	size_t n = 0;
	int ctl = 0;

	for (; *s; s++) {
		if (n + 2 >= outsz)
			return -1;
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			if (!ctl && n > 0)
				out[n++] = ' ';
			ctl = 1;
			continue;
		}
		ctl = 0;
		out[n++] = *s;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return 0;
}

/*
 * Compose the message into m: the headers, then the body with vals put
 * in, CRLF line ends; base64 when a line would pass 998 octets.
 */
static int
compose(struct invite *iv, const char *const *vals, const char *display,
    struct buf *m)
{
	struct buf body = BUF_INIT, subj = BUF_INIT;
	const char *p, *nl, *bad;
	size_t col, i, longest = 0;
	int rc = UIMP_ENOMEM;

	/* the subject holds user data: no control character gets in */
	if (expand(iv->subject, strlen(iv->subject), vals, &subj, &bad) == -1)
		goto out;
	for (i = 0; i < subj.len; i++)
		if ((unsigned char)subj.s[i] < 0x20 || subj.s[i] == 0x7f)
			subj.s[i] = ' ';
	if (expand(iv->body, strlen(iv->body), vals, &body, &bad) == -1)
		goto out;
	for (p = body.s; *p; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if ((size_t)(nl - p) > longest)
			longest = (size_t)(nl - p);
		if (*nl == '\0')
			break;
	}

	if (wadds(m, "From: ") || wadd(m, iv->from.s, iv->from.len) ||
	    wadds(m, "\r\nTo: "))
		goto out;
	col = 4;
	if (add_mailbox(m, display, vals[P_EMAIL], &col) ||
	    wadds(m, "\r\nSubject: "))
		goto out;
	col = 9;
	if (is_ascii(subj.s, subj.len) && strstr(subj.s, "=?") == NULL &&
	    subj.len + 9 <= LINE_MAX_OCTETS) {
		if (wadd(m, subj.s, subj.len))
			goto out;
	} else if (add_encoded(m, subj.s, subj.len, &col))
		goto out;
	if (iv->reply_to.len && (wadds(m, "\r\nReply-To: ") ||
	    wadd(m, iv->reply_to.s, iv->reply_to.len)))
		goto out;
	if (wadds(m, "\r\nDate: ") || add_date(m) ||
	    wadds(m, "\r\nMessage-ID: ") || add_msgid(iv, m) ||
	    wadds(m, "\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: "))
		goto out;
	if (longest > LINE_MAX_OCTETS) {
		if (wadds(m, "base64\r\n\r\n"))
			goto out;
		/* the body as a CRLF text, in 76-character lines */
		buf_reset(&subj);
		for (p = body.s; *p; p++)
			if ((*p == '\n' ? wadd(&subj, "\r\n", 2) :
			    wadd(&subj, p, 1)))
				goto out;
		for (i = 0; i < subj.len; i += 57)
			if (add_base64(m, (const unsigned char *)subj.s + i,
			    subj.len - i < 57 ? subj.len - i : 57) ||
			    wadds(m, "\r\n"))
				goto out;
	} else {
		if (wadds(m, "8bit\r\n\r\n"))
			goto out;
		for (p = body.s; *p; p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL)
				nl = p + strlen(p);
			if (wadd(m, p, (size_t)(nl - p)) || wadds(m, "\r\n"))
				goto out;
			if (*nl == '\0')
				break;
		}
	}
	rc = UIMP_OK;
out:
	/* both held the password, or may have */
	buf_wipe(&body);
	buf_wipe(&subj);
	return rc;
}

/* Write all of p[0..n) to fd. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		if ((k = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/*
 * Compose one user's message and write it, flushed, into tmp/.  The
 * values are checked first: nothing from them may reach a header raw.
 */
int
invite_add(struct invite *iv, const char *username, const char *email,
    const char *first_name, const char *last_name, const char *password,
    struct uimp_err *e)
{
	struct buf m = BUF_INIT;
	struct timeval tv;
	struct msg *nm;
	const char *vals[P_COUNT];
	char first[512], last[512], display[1030], name[256], path[PATH_MAX];
	size_t i;
	int fd = -1, rc, tries, saved;

	if (username == NULL || email == NULL || password == NULL)
		UIMP_BUG("invite_add: a username, email and password needed");
	if (first_name == NULL)
		first_name = "";
	if (last_name == NULL)
		last_name = "";
	if (!address_ok(email))
		return uimp_err_set(e, UIMP_EINVAL, 0, username, "cannot "
		    "write a welcome message: '%.100s' is not an address",
		    email);
	for (i = 0; password[i]; i++)
		if ((unsigned char)password[i] < 0x20 || password[i] == 0x7f)
			return uimp_err_set(e, UIMP_EINVAL, 0, username,
			    "cannot write a welcome message: the password "
			    "holds a control character");
	for (i = 0; username[i]; i++)
		if ((unsigned char)username[i] <= 0x20 || username[i] == 0x7f)
			return uimp_err_set(e, UIMP_EINVAL, 0, username,
			    "cannot write a welcome message: the username "
			    "holds a space or control character");
	if (uimp_utf8_len(first_name, strlen(first_name), NULL) < 0 ||
	    uimp_utf8_len(last_name, strlen(last_name), NULL) < 0 ||
	    uimp_utf8_len(password, strlen(password), NULL) < 0)
		return uimp_err_set(e, UIMP_EINVAL, 0, username, "cannot "
		    "write a welcome message: a name or the password is not "
		    "UTF-8");
	if (fold_name(first, sizeof(first), first_name) == -1 ||
	    fold_name(last, sizeof(last), last_name) == -1)
		return uimp_err_set(e, UIMP_EINVAL, 0, username, "cannot "
		    "write a welcome message: a name is too long");
	snprintf(display, sizeof(display), "%s%s%s", first,
	    *first && *last ? " " : "", last);
	vals[P_USERNAME] = username;
	vals[P_EMAIL] = email;
	vals[P_FIRST] = first;
	vals[P_LAST] = last;
	vals[P_PASSWORD] = password;

	if (iv->nmsgs == iv->capmsgs) {
		i = iv->capmsgs ? iv->capmsgs * 2 : 16;
		if ((nm = reallocarray(iv->msgs, i, sizeof(*nm))) == NULL)
			goto nomem;
		iv->msgs = nm;
		iv->capmsgs = i;
	}
	if (compose(iv, vals, display, &m) != UIMP_OK)
		goto nomem;

	/* a unique name in tmp/, as the maildir spec makes them */
	for (tries = 0; ; tries++) {
		gettimeofday(&tv, NULL);
		snprintf(name, sizeof(name), "%lld.M%ldP%ldQ%lu.%s",
		    (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(),
		    ++iv->counter, iv->mhost);
		if ((rc = join(path, sizeof(path), iv->dir, "tmp", name, e)))
			goto out;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd != -1)
			break;
		if (errno != EEXIST || tries == 100) {
			rc = uimp_err_set(e, UIMP_EWRITE, errno, path,
			    "cannot write a welcome message");
			goto out;
		}
	}
	if (write_all(fd, m.s, m.len) == -1 || fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(path);
		rc = uimp_err_set(e, UIMP_EWRITE, saved, path,
		    "cannot write a welcome message");
		goto out;
	}
	if (close(fd) == -1) {
		saved = errno;
		unlink(path);
		rc = uimp_err_set(e, UIMP_EWRITE, saved, path,
		    "cannot write a welcome message");
		goto out;
	}
	nm = &iv->msgs[iv->nmsgs];
	if ((nm->name = strdup(name)) == NULL ||
	    (nm->email = strdup(email)) == NULL) {
		free(nm->name);
		unlink(path);
		goto nomem;
	}
	iv->nmsgs++;
	rc = UIMP_OK;
out:
	buf_wipe(&m);
	return rc;
nomem:
	rc = uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
	    uimp_strstatus(UIMP_ENOMEM));
	goto out;
}

/*
 * Run `sendmail -t -i` with the file at path on its standard input and
 * wait for it; 0 when it exits 0, else -1 with *status its wait status
 * (or -1 and errno when it could not be run).
 */
static int
run_sendmail(const char *sendmail, const char *path, int *status)
{
	char *const argv[] = { (char *)sendmail, "-t", "-i", NULL };
	pid_t pid;
	int fd;

	*status = -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(fd);
		return -1;
	}
	if (pid == 0) {
		/* stdout may carry data (--json): sendmail talks on stderr */
		if (dup2(fd, 0) == -1 || dup2(2, 1) == -1)
			_exit(127);
		/* nothing of ours but the message: not the store, not the
		 * spool of the run's rows */
		closefrom(3);
		execv(sendmail, argv);
		_exit(127);
	}
	close(fd);
	while (waitpid(pid, status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(*status) && WEXITSTATUS(*status) == 0 ? 0 : -1;
}

/* Flush the directory dir/sub to disk, so the renames in it last. */
static void
sync_dir(const char *dir, const char *sub)
{
	char path[PATH_MAX];
	int fd;

	if (join(path, sizeof(path), dir, sub, NULL, NULL) != UIMP_OK)
		return;
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	fsync(fd);
	close(fd);
}

/*
 * Deliver: tmp/ to new/ (link, then unlink), then sendmail for each, and
 * a sent message on to cur/ so that new/ keeps only the unsent.
 */
int
invite_commit(struct invite *iv, unsigned long *sent, struct uimp_err *e)
{
	char tpath[PATH_MAX], npath[PATH_MAX], cpath[PATH_MAX], cname[300];
	const char *at;
	unsigned long failed = 0;
	size_t i;
	int rc = UIMP_OK, st, saved;

	*sent = 0;
	for (i = 0; i < iv->nmsgs; i++) {
		if (join(tpath, sizeof(tpath), iv->dir, "tmp",
		    iv->msgs[i].name, NULL) != UIMP_OK ||
		    join(npath, sizeof(npath), iv->dir, "new",
		    iv->msgs[i].name, NULL) != UIMP_OK)
			UIMP_BUG("invite_commit: a path grew");
		at = tpath;
		if (!iv->private) {
			/* link(2) then unlink(2), as the maildir spec says */
			if (link(tpath, npath) == -1 &&
			    (errno == EEXIST || rename(tpath, npath) == -1)) {
				saved = errno;
				if (failed++ == 0)
					rc = uimp_err_set(e, UIMP_EWRITE, saved,
					    npath, "cannot deliver the welcome "
					    "message to %s", iv->msgs[i].email);
				continue;
			}
			unlink(tpath);
			at = npath;
		}
		if (iv->sendmail == NULL) {
			(*sent)++;
			continue;
		}
		if (run_sendmail(iv->sendmail, at, &st) == -1) {
			saved = errno;
			if (failed++ > 0)
				continue;
			if (st == -1)
				rc = uimp_err_set(e, UIMP_EWRITE, saved,
				    iv->msgs[i].email, "cannot run '%.100s' "
				    "for the welcome message", iv->sendmail);
			else
				rc = uimp_err_set(e, UIMP_EWRITE, 0,
				    iv->msgs[i].email, "'%.100s' did not take "
				    "the welcome message (%s %d)",
				    iv->sendmail, WIFEXITED(st) ?
				    "exit status" : "signal", WIFEXITED(st) ?
				    WEXITSTATUS(st) : WTERMSIG(st));
			continue;
		}
		(*sent)++;
		if (iv->private) {
			unlink(tpath);
			continue;
		}
		/* sent: on to cur/, seen, so new/ holds the unsent only */
		snprintf(cname, sizeof(cname), "%s:2,S", iv->msgs[i].name);
		if (join(cpath, sizeof(cpath), iv->dir, "cur", cname,
		    NULL) == UIMP_OK)
			rename(npath, cpath);
	}
	if (!iv->private) {
		sync_dir(iv->dir, "new");
		if (iv->sendmail)
			sync_dir(iv->dir, "cur");
	}
	if (failed > 0 && e && iv->private) {
		/* keep what was not sent: the passwords are nowhere else */
		snprintf(e->msg + strlen(e->msg), sizeof(e->msg) -
		    strlen(e->msg), "; %lu of %zu messages not sent, kept in "
		    "%.80s/tmp", failed, iv->nmsgs, iv->dir);
	} else if (failed > 1 && e)
		snprintf(e->msg + strlen(e->msg), sizeof(e->msg) -
		    strlen(e->msg), "; %lu of %zu messages failed", failed,
		    iv->nmsgs);
	if (iv->private && failed == 0) {
		if (join(tpath, sizeof(tpath), iv->dir, "tmp", NULL,
		    NULL) == UIMP_OK)
			rmdir(tpath);
		rmdir(iv->dir);
	}
	invite_free(iv);
	return rc;
}

/* Unlink the messages written to tmp/ and free iv; NULL does nothing. */
void
invite_abort(struct invite *iv)
{
	char path[PATH_MAX];
	size_t i;

	if (iv == NULL)
		return;
	for (i = 0; i < iv->nmsgs; i++)
		if (join(path, sizeof(path), iv->dir, "tmp", iv->msgs[i].name,
		    NULL) == UIMP_OK)
			unlink(path);
	if (iv->private && iv->dir) {
		if (join(path, sizeof(path), iv->dir, "tmp", NULL,
		    NULL) == UIMP_OK)
			rmdir(path);
		rmdir(iv->dir);
	}
	invite_free(iv);
}
