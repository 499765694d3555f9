/* hello-fcgi.c -- the ceiling for bench/api: a FastCGI responder that does
 * nothing but answer a fixed small JSON document, through the same libfcgi
 * calls tasksched-api uses (FCGX_Accept_r / FCGX_Finish_r on a request
 * accepted from the socket spawn-fcgi hands over as standard input).
 *
 * Build: cc -O2 -o hello-fcgi hello-fcgi.c $(pkg-config --cflags --libs fcgi)
 * Arguments are ignored (spawn-fcgi is started the same way as for the API,
 * with "--config FILE"). It reads and discards any request body.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

static const char body[] = "{\"status\":\"ok\",\"hello\":\"world\"}\n";

static void on_term(int sig)
{
	(void)sig;
	FCGX_ShutdownPending();
}

int main(void)
{
	FCGX_Request req;
	struct sigaction sa;
	char buf[4096];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (FCGX_Init() != 0 || FCGX_IsCGI()) {
		fprintf(stderr, "hello-fcgi: not started as a FastCGI responder\n");
		return EXIT_FAILURE;
	}
	if (FCGX_InitRequest(&req, 0, 0) != 0)
		return EXIT_FAILURE;
	while (FCGX_Accept_r(&req) >= 0) {
		while (FCGX_GetStr(buf, sizeof(buf), req.in) > 0)
			;
		FCGX_FPrintF(req.out,
			     "Status: 200 OK\r\n"
			     "Content-Type: application/json; charset=utf-8\r\n"
			     "Content-Length: %u\r\n"
			     "Cache-Control: no-store\r\n"
			     "\r\n",
			     (unsigned)(sizeof(body) - 1));
		FCGX_PutStr(body, (int)(sizeof(body) - 1), req.out);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	return EXIT_SUCCESS;
}
