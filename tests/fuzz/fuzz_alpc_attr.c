/*
 * libFuzzer target: ALPC message attribute buffers (dlls/ntdll/alpc_attr.c
 * and alpc_layout.h).  A caller hands ntdll a buffer whose AllocatedAttributes
 * and ValidAttributes it wrote itself; ntdll's Unix side probes
 * attr_offset( AllocatedAttributes, 0 ) bytes of it and then reads and writes
 * the blocks alpc_attr_block finds.  The input gives the header, the flags to
 * look up and the sizes to initialize with.
 */

#include <stdarg.h>
#include <stddef.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"
#include "ntdef/ntlpcapi.h"

#include "../../dlls/ntdll/alpc_layout.h"
#include "fuzz.h"

/* x64 block sizes, from the public layouts, in the order the blocks follow the header */
static const struct { ULONG flag; SIZE_T size; } blocks[] =
{
    { ALPC_MESSAGE_SECURITY_ATTRIBUTE,       0x18 },
    { ALPC_MESSAGE_VIEW_ATTRIBUTE,           0x20 },
    { ALPC_MESSAGE_CONTEXT_ATTRIBUTE,        0x20 },
    { ALPC_MESSAGE_HANDLE_ATTRIBUTE,         0x18 },
    { ALPC_MESSAGE_TOKEN_ATTRIBUTE,          0x18 },
    { ALPC_MESSAGE_DIRECT_ATTRIBUTE,         0x08 },
    { ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE, 0x08 },
};

static SIZE_T expect_header_size( ULONG flags )
{
    SIZE_T size = sizeof(ALPC_MESSAGE_ATTRIBUTES);
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(blocks); i++) if (flags & blocks[i].flag) size += blocks[i].size;
    return size;
}

static int block_index( ULONG flag )
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(blocks); i++) if (blocks[i].flag == flag) return i;
    return -1;
}

/* look up every flag in a buffer of exactly the size its header asks for */
static void check_lookup( ULONG allocated, ULONG valid, ULONG extra_flag )
{
    SIZE_T size = AlpcGetHeaderSize( allocated );
    ALPC_MESSAGE_ATTRIBUTES *buffer;
    uint8_t *block[ARRAY_SIZE(blocks)] = { 0 };
    uint8_t *end, *prev = NULL;
    unsigned int bit, i;
    void *p;

    CHECK( size == expect_header_size( allocated ));
    CHECK( size == attr_offset( allocated, 0 ));
    CHECK( size <= 0xa0 );
    /* the Unix side probes this many bytes before anything else */
    buffer = malloc( size );
    end = (uint8_t *)buffer + size;
    buffer->AllocatedAttributes = allocated;
    buffer->ValidAttributes = valid;

    for (bit = 0; bit < 33; bit++)
    {
        ULONG flag = bit < 32 ? 1u << bit : extra_flag;
        int idx = block_index( flag );

        p = AlpcGetMessageAttribute( buffer, flag );
        CHECK( p == alpc_attr_block( buffer, flag ));
        if (idx < 0 || !(allocated & flag))
        {
            /* not a block, more than one, or not allocated */
            CHECK( !p );
            continue;
        }
        CHECK( p );
        /* after the header, inside the buffer, aligned for its pointers */
        CHECK( fuzz_inside( p, blocks[idx].size, buffer, size ));
        CHECK( (uint8_t *)p >= (uint8_t *)(buffer + 1) );
        CHECK( !((uintptr_t)p % sizeof(void *)) );
        CHECK( (SIZE_T)((uint8_t *)p - (uint8_t *)buffer) == attr_offset( allocated, flag ));
        CHECK( !block[idx] || block[idx] == p );
        block[idx] = p;
    }
    /* blocks follow each other in descending flag order, without gaps or overlap, up to the end */
    prev = (uint8_t *)(buffer + 1);
    for (i = 0; i < ARRAY_SIZE(blocks); i++)
    {
        if (!block[i]) continue;
        CHECK( block[i] == prev );
        /* the caller may fill all of it (ASan catches a block past the end) */
        memset( block[i], 0xa5, blocks[i].size );
        prev = block[i] + blocks[i].size;
    }
    CHECK( prev == end );
    /* the lookups read only the header, which the fills above left alone */
    CHECK( buffer->AllocatedAttributes == allocated && buffer->ValidAttributes == valid );
    free( buffer );
}

static void check_initialize( ULONG flags, SIZE_T size, BOOL with_buffer, BOOL with_required )
{
    SIZE_T needed = AlpcGetHeaderSize( flags ), required = 0xdeadbeef;
    SIZE_T alloc = min( size, 0x400 );
    uint8_t *buffer = NULL, *pattern = NULL;
    NTSTATUS status;
    SIZE_T i;

    /* a buffer of the size the caller claims, where the claim can be believed */
    if (with_buffer && size <= 0x400)
    {
        buffer = malloc( max( alloc, 1 ));
        pattern = malloc( max( alloc, 1 ));
        for (i = 0; i < alloc; i++) buffer[i] = pattern[i] = (uint8_t)(i * 7 + 1);
    }
    status = AlpcInitializeMessageAttribute( flags, (ALPC_MESSAGE_ATTRIBUTES *)buffer, size,
                                             with_required ? &required : NULL );
    if (with_required) CHECK( required == needed );
    if (size < needed)
    {
        CHECK( status == STATUS_BUFFER_TOO_SMALL );
        if (buffer) CHECK( !memcmp( buffer, pattern, alloc ));
    }
    else
    {
        CHECK( status == STATUS_SUCCESS );
        if (buffer)
        {
            ALPC_MESSAGE_ATTRIBUTES *attr = (ALPC_MESSAGE_ATTRIBUTES *)buffer;

            CHECK( attr->AllocatedAttributes == flags && attr->ValidAttributes == 0 );
            /* only the header is written: the blocks are the caller's */
            CHECK( !memcmp( buffer + sizeof(*attr), pattern + sizeof(*attr), alloc - sizeof(*attr) ));
            check_lookup( flags, 0, flags );
        }
    }
    free( buffer );
    free( pattern );
}

int LLVMFuzzerTestOneInput( const uint8_t *data, size_t size )
{
    struct fuzz_input in = { data, size };

    /* a sequence of buffers and initializations */
    while (in.size)
    {
        uint8_t op = fuzz_u8( &in );
        ULONG allocated = fuzz_u32( &in ), valid = fuzz_u32( &in );

        switch (op % 3)
        {
        case 0:
            check_lookup( allocated, valid, fuzz_u32( &in ));
            break;
        case 1:
        {
            SIZE_T init_size = (op & 0x80) ? fuzz_u64( &in ) : fuzz_u8( &in );
            check_initialize( allocated, init_size, !(op & 0x10), !(op & 0x20) );
            break;
        }
        case 2:
            /* a header grows with every block added */
            CHECK( AlpcGetHeaderSize( allocated | valid ) >= AlpcGetHeaderSize( allocated ));
            CHECK( AlpcGetHeaderSize( allocated & valid ) <= AlpcGetHeaderSize( allocated ));
            CHECK( AlpcGetHeaderSize( allocated ) == AlpcGetHeaderSize( allocated & ALPC_MESSAGE_ATTRIBUTE_ALL ));
            CHECK( AlpcMaxAllowedMessageLength() <= 0xffff );
            break;
        }
    }
    return 0;
}
