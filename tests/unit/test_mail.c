/* test_mail.c -- RFC 5321 mailboxes and the MIME text of a message
 * (src/lib/mail.h). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"

START_TEST(mailboxes)
{
	static const char *const good[] = {
		"a@example.org", "first.last+tag@sub.example.org", "x@[192.0.2.1]",
		"x@[IPv6:2001:db8::1]", "\"a b\"@example.org", "\"q\\\"x\"@example.org",
		"o'brien@example.org", "user@localhost", "1@2.3",
	};
	static const char *const bad[] = {
		"", "a", "@example.org", "a@", "a@@example.org", ".a@example.org",
		"a.@example.org", "a..b@example.org", "a b@example.org", "a@exa mple.org",
		"a@example.org\r\nBcc: x@evil.example", "a@example.org>", "<a@example.org>",
		"a@-example.org", "a@example-.org", "a@example..org", "a@[300.1.1.1]",
		"a@[IPv6:zz]", "\"a\nb\"@example.org", "\"unterminated@example.org",
		"caf\xc3\xa9@example.org", "a@ex\xc3\xa4mple.org", "a,b@example.org",
	};
	char longlocal[80], longaddr[300];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(ts_mail_address_valid(good[i]), "refused: %s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!ts_mail_address_valid(bad[i]), "accepted: %s", bad[i]);
	/* 64 octets of local part at most, 254 in all. */
	memset(longlocal, 'a', 64);
	strcpy(longlocal + 64, "@example.org");
	ck_assert(ts_mail_address_valid(longlocal));
	memset(longlocal, 'a', 65);
	strcpy(longlocal + 65, "@example.org");
	ck_assert(!ts_mail_address_valid(longlocal));
	strcpy(longaddr, "a@");
	for (int i = 0; i < 5; i++)
		strcat(longaddr, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.");
	strcat(longaddr, "org");
	ck_assert(!ts_mail_address_valid(longaddr));
}
END_TEST

START_TEST(subjects)
{
	char big[TS_MAIL_SUBJECT_MAX + 2];

	ck_assert(ts_mail_subject_valid("Report for caf\xc3\xa9"));
	ck_assert(ts_mail_subject_valid(""));
	ck_assert(!ts_mail_subject_valid("a\r\nBcc: x@evil.example"));
	ck_assert(!ts_mail_subject_valid("tab\there"));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert(!ts_mail_subject_valid(big));
	big[TS_MAIL_SUBJECT_MAX] = '\0';
	ck_assert(ts_mail_subject_valid(big));
}
END_TEST

static char *build(const char *subject, const char *text, const char *html)
{
	static const char *const to[] = { "a@example.org", "b@example.net" };
	struct ts_mail m = {
		.from = "sched@example.com", .to = to, .to_count = 2,
		.reply_to = "ops@example.com", .subject = subject, .text = text, .html = html,
		.task_id = "0b5e2a4c-1111-4222-8333-944445555666", .attempt = 2,
		.date = 1796460000, /* 2026-12-05T08:40:00Z, a Saturday */
		.unique = "u1x",
	};
	struct ts_error err;
	char *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(ts_mail_build(&m, &out, &len, &err), TS_OK);
	ck_assert_uint_eq(len, strlen(out));
	return out;
}

/* Every line ends in CRLF and is at most 78 characters long. */
static void check_lines(const char *msg)
{
	for (const char *p = msg; *p;) {
		const char *eol = strstr(p, "\r\n");
		ck_assert_msg(eol != NULL, "no CRLF at the end");
		ck_assert_msg(eol - p <= 78, "line too long: %.*s", (int)(eol - p), p);
		ck_assert_msg(memchr(p, '\n', (size_t)(eol - p)) == NULL, "bare LF");
		ck_assert_msg(memchr(p, '\r', (size_t)(eol - p)) == NULL, "bare CR");
		p = eol + 2;
	}
}

START_TEST(plain_message)
{
	char *m = build("Hello", "line one\nline two = 2 \n", NULL);

	check_lines(m);
	ck_assert_ptr_nonnull(strstr(m, "Date: Sat, 05 Dec 2026 08:40:00 +0000\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "From: <sched@example.com>\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "To: <a@example.org>,\r\n <b@example.net>\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "Reply-To: <ops@example.com>\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "Subject: Hello\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "Message-ID: <0b5e2a4c-1111-4222-8333-944445555666.2.u1x"
					"@example.com>\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "X-Tasksched-Task-Id: 0b5e2a4c-1111-4222-8333-944445555666\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "X-Tasksched-Attempt: 2\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "MIME-Version: 1.0\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "Content-Type: text/plain; charset=UTF-8\r\n"
					"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
					"line one\r\nline two =3D 2=20\r\n"));
	ck_assert_ptr_null(strstr(m, "multipart"));
	free(m);
}
END_TEST

START_TEST(utf8_subject_encoded)
{
	/* "Café ☕ report" and a long one: encoded words of whole characters. */
	char *m = build("Caf\xc3\xa9 \xe2\x98\x95 report", "x", NULL);
	char *subj;

	check_lines(m);
	ck_assert_ptr_nonnull(strstr(m, "Subject: =?UTF-8?Q?Caf=C3=A9_=E2=98=95_report?=\r\n"));
	free(m);

	char longsub[400] = "";
	for (int i = 0; i < 40; i++)
		strcat(longsub, "\xc3\xa9t\xc3\xa9 ");
	m = build(longsub, "x", NULL);
	check_lines(m);
	subj = strstr(m, "Subject: ");
	ck_assert_ptr_nonnull(subj);
	/* Each folded line is one encoded word; no "=C3" is split from its "=A9". */
	for (char *p = subj + 9; *p != '\r' || p[2] == ' ';) {
		char *end = strstr(p, "?=");
		ck_assert_ptr_nonnull(end);
		ck_assert(strncmp(p, "=?UTF-8?Q?", 10) == 0 || strncmp(p, " =?UTF-8?Q?", 11) == 0);
		ck_assert_msg(end[-3] != '=' || strncmp(end - 3, "=C3", 3) != 0, "split character");
		p = end + 2;
		if (strncmp(p, "\r\n ", 3) == 0)
			p += 2;
		else
			break;
	}
	/* A plain subject that looks like an encoded word is encoded itself. */
	free(m);
	m = build("=?UTF-8?Q?fake?=", "x", NULL);
	ck_assert_ptr_null(strstr(m, "Subject: =?UTF-8?Q?fake?=\r\n"));
	free(m);
}
END_TEST

START_TEST(alternative_parts)
{
	char *m = build("Hi", "text part", "<p>caf\xc3\xa9</p>");
	const char *b = "--=_ts_u1x\r\n";

	check_lines(m);
	ck_assert_ptr_nonnull(strstr(m, "Content-Type: multipart/alternative; "
					"boundary=\"=_ts_u1x\"\r\n\r\n"));
	char *first = strstr(m, b);
	ck_assert_ptr_nonnull(first);
	ck_assert(strncmp(first + strlen(b), "Content-Type: text/plain; charset=UTF-8\r\n", 41) == 0);
	char *second = strstr(first + 1, b);
	ck_assert_ptr_nonnull(second);
	ck_assert_ptr_nonnull(strstr(second, "Content-Type: text/html; charset=UTF-8\r\n"
					     "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
					     "<p>caf=C3=A9</p>\r\n--=_ts_u1x--\r\n"));
	free(m);
}
END_TEST

START_TEST(quoted_printable_lines)
{
	char text[300];

	/* A long line is broken softly at 76; "=" is always escaped, so the
	 * boundary ("=_") can never occur in a body. */
	memset(text, 'a', 200);
	strcpy(text + 200, "=_ts_u1x\r\n.\r\nMAIL FROM:<x@evil.example>\rlast\t");
	char *m = build("s", text, "<b>x</b>");
	check_lines(m);
	ck_assert_ptr_nonnull(strstr(m, "=3D_ts_u1x"));
	ck_assert_ptr_null(strstr(m, "\r\n=_ts_u1x"));
	ck_assert_ptr_nonnull(strstr(m, "\r\nlast=09\r\n"));
	char *body = strstr(m, "\r\n\r\naaaa");
	ck_assert_ptr_nonnull(body);
	ck_assert(strncmp(body + 4 + 75, "=\r\n", 3) == 0);
	free(m);
}
END_TEST

static Suite *mail_suite(void)
{
	Suite *s = suite_create("mail");
	TCase *tc = tcase_create("mail");

	tcase_add_test(tc, mailboxes);
	tcase_add_test(tc, subjects);
	tcase_add_test(tc, plain_message);
	tcase_add_test(tc, utf8_subject_encoded);
	tcase_add_test(tc, alternative_parts);
	tcase_add_test(tc, quoted_printable_lines);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mail_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
