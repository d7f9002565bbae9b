/*
 * Unit tests for the ALPC message attribute buffer layout (dlls/ntdll/alpc_attr.c)
 *
 * Built natively against Wine's headers, as ntdll's Unix side is.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"
#include "ntdef/ntlpcapi.h"

#define ALL_ATTRIBUTES (ALPC_MESSAGE_SECURITY_ATTRIBUTE | ALPC_MESSAGE_VIEW_ATTRIBUTE | \
                        ALPC_MESSAGE_CONTEXT_ATTRIBUTE | ALPC_MESSAGE_HANDLE_ATTRIBUTE | \
                        ALPC_MESSAGE_TOKEN_ATTRIBUTE | ALPC_MESSAGE_DIRECT_ATTRIBUTE | \
                        ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE)

/* x64 block sizes and offsets with all seven allocated, from the public layouts */
static const struct { ULONG flag; SIZE_T size, offset; } blocks[] =
{
    { ALPC_MESSAGE_SECURITY_ATTRIBUTE,       0x18, 0x08 },
    { ALPC_MESSAGE_VIEW_ATTRIBUTE,           0x20, 0x20 },
    { ALPC_MESSAGE_CONTEXT_ATTRIBUTE,        0x20, 0x40 },
    { ALPC_MESSAGE_HANDLE_ATTRIBUTE,         0x18, 0x60 },
    { ALPC_MESSAGE_TOKEN_ATTRIBUTE,          0x18, 0x78 },
    { ALPC_MESSAGE_DIRECT_ATTRIBUTE,         0x08, 0x90 },
    { ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE, 0x08, 0x98 },
};

static void test_header_size(void **state)
{
    unsigned int i;

    assert_int_equal( AlpcGetHeaderSize( 0 ), 8 );
    assert_int_equal( AlpcGetHeaderSize( ALL_ATTRIBUTES ), 0xa0 );
    for (i = 0; i < ARRAY_SIZE(blocks); i++)
        assert_int_equal( AlpcGetHeaderSize( blocks[i].flag ), 8 + blocks[i].size );
}

static void test_initialize(void **state)
{
    union { ALPC_MESSAGE_ATTRIBUTES attr; BYTE bytes[0x100]; } buf;
    SIZE_T needed = 0;

    assert_int_equal( AlpcInitializeMessageAttribute( ALL_ATTRIBUTES, NULL, 0, &needed ),
                      STATUS_BUFFER_TOO_SMALL );
    assert_int_equal( needed, 0xa0 );
    /* no buffer, but a size that would do: only the size is checked */
    needed = 0;
    assert_int_equal( AlpcInitializeMessageAttribute( ALL_ATTRIBUTES, NULL, 0xa0, &needed ), STATUS_SUCCESS );
    assert_int_equal( needed, 0xa0 );

    memset( &buf, 0xcc, sizeof(buf) );
    needed = 0;
    assert_int_equal( AlpcInitializeMessageAttribute( ALL_ATTRIBUTES, &buf.attr, 0x9f, &needed ),
                      STATUS_BUFFER_TOO_SMALL );
    assert_int_equal( needed, 0xa0 );

    assert_int_equal( AlpcInitializeMessageAttribute( ALL_ATTRIBUTES, &buf.attr, 0xa0, &needed ),
                      STATUS_SUCCESS );
    assert_int_equal( buf.attr.AllocatedAttributes, ALL_ATTRIBUTES );
    assert_int_equal( buf.attr.ValidAttributes, 0 );

    assert_int_equal( AlpcInitializeMessageAttribute( 0, &buf.attr, 8, &needed ), STATUS_SUCCESS );
    assert_int_equal( needed, 8 );
}

static void test_get_attribute(void **state)
{
    union { ALPC_MESSAGE_ATTRIBUTES attr; BYTE bytes[0x100]; } buf;
    SIZE_T needed;
    unsigned int i;

    AlpcInitializeMessageAttribute( ALL_ATTRIBUTES, &buf.attr, sizeof(buf), &needed );
    for (i = 0; i < ARRAY_SIZE(blocks); i++)
        assert_ptr_equal( AlpcGetMessageAttribute( &buf.attr, blocks[i].flag ), buf.bytes + blocks[i].offset );

    /* only allocated blocks count, in descending flag order */
    AlpcInitializeMessageAttribute( ALPC_MESSAGE_DIRECT_ATTRIBUTE | ALPC_MESSAGE_CONTEXT_ATTRIBUTE,
                                    &buf.attr, sizeof(buf), &needed );
    assert_ptr_equal( AlpcGetMessageAttribute( &buf.attr, ALPC_MESSAGE_CONTEXT_ATTRIBUTE ), buf.bytes + 8 );
    assert_ptr_equal( AlpcGetMessageAttribute( &buf.attr, ALPC_MESSAGE_DIRECT_ATTRIBUTE ), buf.bytes + 0x28 );
    assert_null( AlpcGetMessageAttribute( &buf.attr, ALPC_MESSAGE_VIEW_ATTRIBUTE ) );
    assert_null( AlpcGetMessageAttribute( &buf.attr, ALPC_MESSAGE_SECURITY_ATTRIBUTE ) );
}

static void test_max_message_length(void **state)
{
    /* TotalLength is a USHORT: every message must fit in it */
    assert_true( AlpcMaxAllowedMessageLength() <= 0xffff );
    assert_true( AlpcMaxAllowedMessageLength() >= 0x1000 + sizeof(PORT_MESSAGE) );
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test( test_header_size ),
        cmocka_unit_test( test_initialize ),
        cmocka_unit_test( test_get_attribute ),
        cmocka_unit_test( test_max_message_length ),
    };
    return cmocka_run_group_tests_name( "alpc_attr", tests, NULL, NULL );
}
