/* sign.c -- webhook signatures and token digests (OpenSSL's HMAC and
 * SHA-256, and its base64 for Standard Webhooks; nothing cryptographic is
 * written by hand here). The only file
 * that includes OpenSSL. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "sign.h"

static void to_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* HMAC-SHA256 of the concatenation of `n` parts, into mac[32]. */
static enum ts_err hmac_sha256(const void *key, size_t key_len, const struct iovec *parts,
			       size_t n, unsigned char mac[EVP_MAX_MD_SIZE], size_t *mac_len,
			       struct ts_error *err)
{
	enum ts_err rc = TS_OK;
	EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	bool ok = ctx && EVP_MAC_init(ctx, key, key_len, params);

	for (size_t i = 0; ok && i < n; i++)
		ok = !parts[i].iov_len || EVP_MAC_update(ctx, parts[i].iov_base, parts[i].iov_len);
	if (!ok || !EVP_MAC_final(ctx, mac, mac_len, EVP_MAX_MD_SIZE))
		rc = ts_error_set(err, TS_ERR_INTERNAL, "crypto", NULL, "HMAC-SHA256 failed");
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(hmac);
	return rc;
}

enum ts_err ts_sign_webhook(const char *secret, size_t secret_len, long long unix_time,
			    const char *body, size_t body_len, char out[TS_SIGNATURE_MAX],
			    struct ts_error *err)
{
	char stamp[24];
	unsigned char mac[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	size_t mac_len = 0;
	int n = snprintf(stamp, sizeof(stamp), "%lld", unix_time);
	const struct iovec parts[] = {
		{ stamp, (size_t)n }, { (char *)".", 1 }, { (char *)body, body_len },
	};
	enum ts_err rc = hmac_sha256(secret, secret_len, parts, 3, mac, &mac_len, err);

	if (rc == TS_OK) {
		to_hex(mac, mac_len, hex);
		snprintf(out, TS_SIGNATURE_MAX, "t=%s,v1=%s", stamp, hex);
	}
	OPENSSL_cleanse(mac, sizeof(mac));
	return rc;
}

enum ts_err ts_sign_standard_key(const char *secret, size_t secret_len,
				 struct ts_sign_key *key, struct ts_error *err)
{
	static const char prefix[] = "whsec_";
	const size_t plen = sizeof(prefix) - 1;
	unsigned char buf[(TS_SIGN_SECRET_TEXT_MAX / 4) * 3 + 3];
	size_t b64_len = secret_len - plen;
	int n;

	if (secret_len <= plen || memcmp(secret, prefix, plen) != 0)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_secret", NULL,
				    "a Standard Webhooks secret is whsec_ followed by base64");
	if (b64_len % 4 || b64_len > TS_SIGN_SECRET_TEXT_MAX)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_secret", NULL,
				    "the base64 after whsec_ must be a multiple of 4 characters, "
				    "at most %d", TS_SIGN_SECRET_TEXT_MAX);
	n = EVP_DecodeBlock(buf, (const unsigned char *)secret + plen, (int)b64_len);
	if (n < 0)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_secret", NULL,
				    "the text after whsec_ is not base64");
	/* EVP_DecodeBlock counts the bytes that padding stands for. */
	for (size_t i = secret_len; i > plen && secret[i - 1] == '='; i--)
		n--;
	if (n < TS_SIGN_KEY_MIN || (size_t)n > sizeof(key->bytes)) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return ts_error_set(err, TS_ERR_INVALID, "invalid_secret", NULL,
				    "a Standard Webhooks secret must decode to %d to %zu bytes",
				    TS_SIGN_KEY_MIN, sizeof(key->bytes));
	}
	memcpy(key->bytes, buf, (size_t)n);
	key->len = (size_t)n;
	OPENSSL_cleanse(buf, sizeof(buf));
	return TS_OK;
}

enum ts_err ts_sign_standard(const struct ts_sign_key *key, const char *msg_id,
			     long long unix_time, const char *body, size_t body_len,
			     char out[TS_STANDARD_SIGNATURE_MAX], struct ts_error *err)
{
	char stamp[24];
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t mac_len = 0;
	int n = snprintf(stamp, sizeof(stamp), "%lld", unix_time);
	const struct iovec parts[] = {
		{ (char *)msg_id, strlen(msg_id) }, { (char *)".", 1 },
		{ stamp, (size_t)n }, { (char *)".", 1 }, { (char *)body, body_len },
	};
	enum ts_err rc = hmac_sha256(key->bytes, key->len, parts, 5, mac, &mac_len, err);

	if (rc == TS_OK) {
		memcpy(out, "v1,", 3);
		EVP_EncodeBlock((unsigned char *)out + 3, mac, (int)mac_len);
	}
	OPENSSL_cleanse(mac, sizeof(mac));
	return rc;
}

enum ts_err ts_sign_sha256_hex(const void *data, size_t len, char out[TS_SHA256_HEX_MAX],
			       struct ts_error *err)
{
	/* Fetched once: OpenSSL 3 would otherwise look SHA-256 up on every
	 * call, a measurable part of an API request that checks a key. The
	 * API and the executor hash from one thread each; a race here only
	 * fetches twice. */
	static EVP_MD *sha256;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;

	if (!sha256)
		sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (!sha256 || !EVP_Digest(data, len, md, &md_len, sha256, NULL) || md_len != 32)
		return ts_error_set(err, TS_ERR_INTERNAL, "crypto", NULL, "SHA-256 failed");
	to_hex(md, md_len, out);
	return TS_OK;
}

bool ts_sign_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}
