/*
 * Shared helpers of the libFuzzer targets in tests/fuzz
 *
 * Built natively with clang -fsanitize=fuzzer,address,undefined, against
 * Wine's headers, as the CMocka unit tests are.
 */

#ifndef __WINE_LPC_FUZZ_H
#define __WINE_LPC_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

/* an invariant that does not hold is a crash for libFuzzer, which keeps the input */
#define CHECK(cond) \
    do { if (!(cond)) { fprintf( stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond ); \
                        abort(); } } while (0)

/* reads the fuzzer's bytes as little-endian fields; past the end everything is 0 */
struct fuzz_input
{
    const uint8_t *data;
    size_t         size;
};

static inline uint8_t fuzz_u8( struct fuzz_input *in )
{
    uint8_t v = 0;
    if (in->size) { v = in->data[0]; in->data++; in->size--; }
    return v;
}

static inline uint16_t fuzz_u16( struct fuzz_input *in )
{
    uint16_t v = fuzz_u8( in );
    return v | (uint16_t)fuzz_u8( in ) << 8;
}

static inline uint32_t fuzz_u32( struct fuzz_input *in )
{
    uint32_t v = fuzz_u16( in );
    return v | (uint32_t)fuzz_u16( in ) << 16;
}

static inline uint64_t fuzz_u64( struct fuzz_input *in )
{
    uint64_t v = fuzz_u32( in );
    return v | (uint64_t)fuzz_u32( in ) << 32;
}

/* a pointer p of len bytes lies inside [base, base + size) */
static inline int fuzz_inside( const void *p, size_t len, const void *base, size_t size )
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;
    return a >= b && a - b <= size && len <= size - (a - b);
}

#endif /* __WINE_LPC_FUZZ_H */
