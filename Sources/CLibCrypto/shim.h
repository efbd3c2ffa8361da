// The system OpenSSL's libcrypto (Debian: libssl-dev): security fixes arrive with the operating system's updates.
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
