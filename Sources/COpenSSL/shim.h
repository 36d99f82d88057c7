// OpenSSL 3 for Swift: digests, HMAC and constant-time comparison (Hashing), TLS later.
#ifndef SENTINEL_COPENSSL_H
#define SENTINEL_COPENSSL_H
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#endif
