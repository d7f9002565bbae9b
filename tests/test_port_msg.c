/*
 * Unit tests for the port message rules that need no server state (server/port_msg.c)
 *
 * Built natively against Wine's headers, as wineserver is.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"
#include "port_msg.h"

/* the functions return unsigned int; the STATUS_* constants are signed NTSTATUS */
#define assert_status( call, expect ) assert_int_equal( (unsigned int)(call), (unsigned int)(expect) )

/* ---- port_check_limits ------------------------------------------------------- */

static void test_port_limits(void **state)
{
    assert_int_equal( LPC_MAX_INFO_LEN, 0x208 );
    assert_int_equal( LPC_MAX_MSG_LEN, 0x288 );

    assert_status( port_check_limits( 1, 0, 0 ), STATUS_SUCCESS );
    assert_status( port_check_limits( 1, 0x208, 0x288 ), STATUS_SUCCESS );
    assert_status( port_check_limits( 1, 0x208, 0 ), STATUS_SUCCESS );
    assert_status( port_check_limits( 1, 0, 0x288 ), STATUS_SUCCESS );
    assert_status( port_check_limits( 1, 0x100, 0x100 ), STATUS_SUCCESS );

    /* one byte too many */
    assert_status( port_check_limits( 1, 0x209, 0 ), STATUS_INVALID_PARAMETER_3 );
    assert_status( port_check_limits( 1, 0x209, 0x288 ), STATUS_INVALID_PARAMETER_3 );
    assert_status( port_check_limits( 1, 0, 0x289 ), STATUS_INVALID_PARAMETER_4 );
    assert_status( port_check_limits( 1, 0x208, 0x289 ), STATUS_INVALID_PARAMETER_4 );

    /* both too big: the connection info length is checked first */
    assert_status( port_check_limits( 1, 0x209, 0x289 ), STATUS_INVALID_PARAMETER_3 );
    assert_status( port_check_limits( 1, ~0u, ~0u ), STATUS_INVALID_PARAMETER_3 );
    assert_status( port_check_limits( 1, 0, ~0u ), STATUS_INVALID_PARAMETER_4 );
    assert_status( port_check_limits( 1, 0x10000, 0 ), STATUS_INVALID_PARAMETER_3 );
    assert_status( port_check_limits( 1, 0, 0x10000 ), STATUS_INVALID_PARAMETER_4 );
}

static void test_alpc_port_limits(void **state)
{
    assert_int_equal( ALPC_MAX_MSG_LEN, 0xffff );
    assert_status( port_check_limits( 0, 0, 0xffff ), STATUS_SUCCESS );
    assert_status( port_check_limits( 0, 0, 0x28 ), STATUS_SUCCESS );
    assert_status( port_check_limits( 0, ~0u, 0x1000 ), STATUS_SUCCESS );  /* no separate info limit */
    /* a header must fit, and TotalLength must be able to say the length */
    assert_status( port_check_limits( 0, 0, 0x27 ), STATUS_INVALID_PARAMETER );
    assert_status( port_check_limits( 0, 0, 0x10000 ), STATUS_INVALID_PARAMETER );
    assert_status( port_check_limits( 0, 0, ~0u ), STATUS_INVALID_PARAMETER );
}

/* ---- port_check_msg_lengths --------------------------------------------------- */

static void test_msg_lengths_exact(void **state)
{
    assert_int_equal( PORT_MSG_HEADER_SIZE, 0x28 );

    /* TotalLength == DataLength + header */
    assert_status( port_check_msg_lengths( 0, 0x28, 0x288 ), STATUS_SUCCESS );
    assert_status( port_check_msg_lengths( 1, 0x29, 0x288 ), STATUS_SUCCESS );
    assert_status( port_check_msg_lengths( 0x100, 0x128, 0x288 ), STATUS_SUCCESS );
    /* the largest message of the largest port */
    assert_status( port_check_msg_lengths( 0x260, 0x288, 0x288 ), STATUS_SUCCESS );
    /* TotalLength == the port's maximum, of a smaller port */
    assert_status( port_check_msg_lengths( 0x18, 0x40, 0x40 ), STATUS_SUCCESS );
}

static void test_msg_lengths_total_larger(void **state)
{
    /* TotalLength may be more than DataLength + header, as long as it fits the port */
    assert_status( port_check_msg_lengths( 0, 0x29, 0x288 ), STATUS_SUCCESS );
    assert_status( port_check_msg_lengths( 0, 0x288, 0x288 ), STATUS_SUCCESS );
    assert_status( port_check_msg_lengths( 0x10, 0x100, 0x288 ), STATUS_SUCCESS );
    assert_status( port_check_msg_lengths( 0x10, 0x40, 0x40 ), STATUS_SUCCESS );
    /* ... but not past it */
    assert_status( port_check_msg_lengths( 0, 0x289, 0x288 ), STATUS_PORT_MESSAGE_TOO_LONG );
    assert_status( port_check_msg_lengths( 0x10, 0x41, 0x40 ), STATUS_PORT_MESSAGE_TOO_LONG );
}

static void test_msg_lengths_too_short(void **state)
{
    /* DataLength + header > TotalLength */
    assert_status( port_check_msg_lengths( 1, 0x28, 0x288 ), STATUS_INVALID_PARAMETER );
    assert_status( port_check_msg_lengths( 0, 0x27, 0x288 ), STATUS_INVALID_PARAMETER );
    assert_status( port_check_msg_lengths( 0, 0, 0x288 ), STATUS_INVALID_PARAMETER );
    assert_status( port_check_msg_lengths( 0x10, 0x10, 0x288 ), STATUS_INVALID_PARAMETER );
    assert_status( port_check_msg_lengths( 0x261, 0x288, 0x288 ), STATUS_INVALID_PARAMETER );
    assert_status( port_check_msg_lengths( 0x100, 0x20, 0x288 ), STATUS_INVALID_PARAMETER );
    /* both wrong: the header rule is checked before the port's maximum */
    assert_status( port_check_msg_lengths( 0x300, 0x300, 0x288 ), STATUS_INVALID_PARAMETER );
    assert_status( port_check_msg_lengths( 0x1000, 0x400, 0x288 ), STATUS_INVALID_PARAMETER );
}

static void test_msg_lengths_too_long(void **state)
{
    /* TotalLength > the port's maximum */
    assert_status( port_check_msg_lengths( 0x261, 0x289, 0x288 ), STATUS_PORT_MESSAGE_TOO_LONG );
    assert_status( port_check_msg_lengths( 0x300, 0x328, 0x288 ), STATUS_PORT_MESSAGE_TOO_LONG );
    assert_status( port_check_msg_lengths( 0, 0xffff, 0x288 ), STATUS_PORT_MESSAGE_TOO_LONG );
    assert_status( port_check_msg_lengths( 0xffd7, 0xffff, 0x288 ), STATUS_PORT_MESSAGE_TOO_LONG );
    assert_status( port_check_msg_lengths( 0x19, 0x41, 0x40 ), STATUS_PORT_MESSAGE_TOO_LONG );
    /* a port of maximum 0 takes nothing */
    assert_status( port_check_msg_lengths( 0, 0x28, 0 ), STATUS_PORT_MESSAGE_TOO_LONG );
}

static void test_msg_lengths_wrap(void **state)
{
    static const struct { unsigned int data, total; } wraps[] =
    {
        /* DataLength + header wraps in 16 bits to <= TotalLength */
        { 0xfff0, 0x18 },
        { 0xfff0, 0x28 },
        { 0xffd8, 0x00 },
        { 0xffd9, 0x01 },
        { 0xffff, 0x27 },
        { 0xffff, 0x288 },
        { 0xfff0, 0xfff0 },
        /* ... and in 32 bits */
        { 0xffffffd8, 0 },
        { 0xffffffe0, 0x08 },
        { 0xffffffe0, 0x20 },
        { 0xfffffff0, 0x18 },
        { 0xffffffff, 0x27 },
        { 0xffffffff, 0x288 },
        { 0xffffffff, 0xffffffff },
        { 0xfffffff0, 0xfffffff0 },
        /* TotalLength <= DataLength */
        { 0x100, 0x100 },
        { 0x288, 0x288 },
        { 0x288, 0x287 },
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(wraps); i++)
    {
        unsigned int status = port_check_msg_lengths( wraps[i].data, wraps[i].total, 0x288 );

        if (!status) fail_msg( "data %#x total %#x passed", wraps[i].data, wraps[i].total );
        assert_true( status == STATUS_INVALID_PARAMETER || status == STATUS_PORT_MESSAGE_TOO_LONG );
    }

    /* the 16-bit cases are plain "data does not fit" with 32-bit arithmetic */
    assert_status( port_check_msg_lengths( 0xfff0, 0x18, 0x288 ), STATUS_INVALID_PARAMETER );
    assert_status( port_check_msg_lengths( 0xffff, 0x27, 0x288 ), STATUS_INVALID_PARAMETER );
    /* a 32-bit wrap gets past the header rule and is caught by TotalLength <= DataLength */
    assert_status( port_check_msg_lengths( 0xffffffe0, 0x20, 0x288 ), STATUS_PORT_MESSAGE_TOO_LONG );
    assert_status( port_check_msg_lengths( 0xffffffff, 0x27, 0x288 ), STATUS_PORT_MESSAGE_TOO_LONG );
    /* even with the largest possible port maximum */
    assert_status( port_check_msg_lengths( 0xffffffe0, 0x20, ~0u ), STATUS_PORT_MESSAGE_TOO_LONG );
    assert_status( port_check_msg_lengths( 0xffffffff, 0xffffffff, ~0u ), STATUS_PORT_MESSAGE_TOO_LONG );
    /* ... also when TotalLength is above DataLength, but less than a header above it (tests/fuzz found it) */
    assert_status( port_check_msg_lengths( 0xffffffe0, 0xfffffff0, ~0u ), STATUS_PORT_MESSAGE_TOO_LONG );
    assert_status( port_check_msg_lengths( 0xffffffd8, 0xffffffff, ~0u ), STATUS_PORT_MESSAGE_TOO_LONG );
    assert_status( port_check_msg_lengths( 0xffffffd7, 0xffffffff, ~0u ), STATUS_SUCCESS );
}

static void test_msg_lengths_sweep(void **state)
{
    unsigned int data, total;

    /* every small pair against the rule written out in 64 bits */
    for (data = 0; data <= 0x300; data++)
        for (total = 0; total <= 0x300; total++)
        {
            unsigned int expect;

            if ((unsigned long long)data + PORT_MSG_HEADER_SIZE > total) expect = STATUS_INVALID_PARAMETER;
            else if (total > 0x288) expect = STATUS_PORT_MESSAGE_TOO_LONG;
            else expect = STATUS_SUCCESS;
            if (port_check_msg_lengths( data, total, 0x288 ) != expect)
                fail_msg( "data %#x total %#x: got %#x, expected %#x", data, total,
                          port_check_msg_lengths( data, total, 0x288 ), expect );
        }
}

/* ---- port_next_id ------------------------------------------------------------- */

static void test_next_id(void **state)
{
    unsigned int counter = 0, i;

    /* starts after the counter's value and keeps it */
    assert_int_equal( port_next_id( &counter ), 1 );
    assert_int_equal( counter, 1 );
    assert_int_equal( port_next_id( &counter ), 2 );
    assert_int_equal( counter, 2 );
    for (i = 3; i < 100; i++) assert_int_equal( port_next_id( &counter ), i );

    counter = 0x1234;
    assert_int_equal( port_next_id( &counter ), 0x1235 );
    assert_int_equal( counter, 0x1235 );

    /* 0 is never handed out: 0xffffffff wraps to 1 */
    counter = 0xfffffffe;
    assert_int_equal( port_next_id( &counter ), 0xffffffff );
    assert_int_equal( counter, 0xffffffff );
    assert_int_equal( port_next_id( &counter ), 1 );
    assert_int_equal( counter, 1 );
    assert_int_equal( port_next_id( &counter ), 2 );

    /* independent counters */
    {
        unsigned int a = 10, b = 20;
        assert_int_equal( port_next_id( &a ), 11 );
        assert_int_equal( port_next_id( &b ), 21 );
        assert_int_equal( port_next_id( &a ), 12 );
        assert_int_equal( b, 21 );
    }
}

/* ---- port_msg_alloc ----------------------------------------------------------- */

static void assert_header_zero( const struct port_msg *msg )
{
    assert_int_equal( msg->id, 0 );
    assert_int_equal( msg->callback_id, 0 );
    assert_int_equal( msg->data_info, 0 );
    assert_int_equal( msg->client_pid, 0 );
    assert_int_equal( msg->client_tid, 0 );
    assert_null( msg->sender );
    assert_true( msg->context == 0 );
    assert_null( msg->entry.next );
    assert_null( msg->entry.prev );
}

static void test_msg_alloc(void **state)
{
    unsigned char data[0x288];
    struct port_msg *msg;
    unsigned int i;

    for (i = 0; i < sizeof(data); i++) data[i] = i * 7 + 3;

    msg = port_msg_alloc( PORT_MSG_REQUEST, data, 5 );
    assert_non_null( msg );
    assert_int_equal( msg->type, PORT_MSG_REQUEST );
    assert_int_equal( msg->size, 5 );
    assert_memory_equal( msg->data, data, 5 );
    assert_header_zero( msg );
    free( msg );

    /* a full-size message, copied rather than referenced */
    msg = port_msg_alloc( PORT_MSG_DATAGRAM, data, sizeof(data) );
    assert_non_null( msg );
    assert_int_equal( msg->type, PORT_MSG_DATAGRAM );
    assert_int_equal( msg->size, sizeof(data) );
    assert_ptr_not_equal( msg->data, data );
    assert_memory_equal( msg->data, data, sizeof(data) );
    assert_header_zero( msg );
    memset( data, 0, sizeof(data) );
    assert_int_equal( msg->data[1], (unsigned char)(1 * 7 + 3) );
    assert_int_equal( msg->data[sizeof(data) - 1], (unsigned char)((sizeof(data) - 1) * 7 + 3) );
    free( msg );

    /* zero size, with or without a data pointer */
    msg = port_msg_alloc( PORT_MSG_PORT_CLOSED, NULL, 0 );
    assert_non_null( msg );
    assert_int_equal( msg->type, PORT_MSG_PORT_CLOSED );
    assert_int_equal( msg->size, 0 );
    assert_header_zero( msg );
    free( msg );

    msg = port_msg_alloc( PORT_MSG_CONNECTION_REQUEST, data, 0 );
    assert_non_null( msg );
    assert_int_equal( msg->type, PORT_MSG_CONNECTION_REQUEST );
    assert_int_equal( msg->size, 0 );
    assert_header_zero( msg );
    free( msg );

    /* one byte */
    data[0] = 0xa5;
    msg = port_msg_alloc( PORT_MSG_REPLY, data, 1 );
    assert_non_null( msg );
    assert_int_equal( msg->size, 1 );
    assert_int_equal( msg->data[0], 0xa5 );
    assert_header_zero( msg );
    free( msg );
}

static void test_msg_alloc_fields_zeroed(void **state)
{
    /* reused heap memory full of garbage must not show through */
    unsigned int i;

    for (i = 0; i < 16; i++)
    {
        struct port_msg *msg;
        void *junk = malloc( offsetof( struct port_msg, data[16] ));

        assert_non_null( junk );
        memset( junk, 0xcc, offsetof( struct port_msg, data[16] ));
        free( junk );
        msg = port_msg_alloc( PORT_MSG_CLIENT_DIED, "0123456789abcdef", 16 );
        assert_non_null( msg );
        assert_int_equal( msg->type, PORT_MSG_CLIENT_DIED );
        assert_int_equal( msg->size, 16 );
        assert_memory_equal( msg->data, "0123456789abcdef", 16 );
        assert_header_zero( msg );
        free( msg );
    }
}

/* ---- port_queue --------------------------------------------------------------- */

static struct port_msg *new_msg( unsigned int id )
{
    struct port_msg *msg = port_msg_alloc( PORT_MSG_DATAGRAM, &id, sizeof(id) );

    assert_non_null( msg );
    msg->id = id;
    return msg;
}

static void test_queue_empty(void **state)
{
    struct port_queue queue;

    memset( &queue, 0xcc, sizeof(queue) );
    port_queue_init( &queue );
    assert_int_equal( queue.count, 0 );
    assert_true( list_empty( &queue.msgs ));
    assert_null( port_queue_head( &queue ));
    assert_null( port_queue_find_id( &queue, 0 ));
    assert_null( port_queue_find_id( &queue, 1 ));
    assert_int_equal( port_queue_clear( &queue ), 0 );
    assert_int_equal( queue.count, 0 );
    assert_null( port_queue_head( &queue ));
}

static void test_queue_fifo(void **state)
{
    struct port_queue queue;
    struct port_msg *msgs[5], *msg;
    unsigned int i;

    port_queue_init( &queue );
    for (i = 0; i < ARRAY_SIZE(msgs); i++)
    {
        msgs[i] = new_msg( 100 + i );
        port_queue_push( &queue, msgs[i] );
        assert_int_equal( queue.count, i + 1 );
        /* the head stays the first one pushed */
        assert_ptr_equal( port_queue_head( &queue ), msgs[0] );
    }

    /* taking the head each time gives them back in push order */
    for (i = 0; i < ARRAY_SIZE(msgs); i++)
    {
        msg = port_queue_head( &queue );
        assert_ptr_equal( msg, msgs[i] );
        assert_int_equal( msg->id, 100 + i );
        port_queue_remove( &queue, msg );
        assert_int_equal( queue.count, ARRAY_SIZE(msgs) - i - 1 );
        free( msg );
    }
    assert_null( port_queue_head( &queue ));
    assert_true( list_empty( &queue.msgs ));

    /* usable again once empty */
    msg = new_msg( 7 );
    port_queue_push( &queue, msg );
    assert_int_equal( queue.count, 1 );
    assert_ptr_equal( port_queue_head( &queue ), msg );
    assert_int_equal( port_queue_clear( &queue ), 1 );
    assert_int_equal( queue.count, 0 );
}

static void test_queue_find_id(void **state)
{
    struct port_queue queue;
    struct port_msg *a, *b, *c, *dup;

    port_queue_init( &queue );
    a = new_msg( 1 );
    b = new_msg( 0xffffffff );
    c = new_msg( 42 );
    dup = new_msg( 42 );
    port_queue_push( &queue, a );
    port_queue_push( &queue, b );
    port_queue_push( &queue, c );
    port_queue_push( &queue, dup );

    assert_ptr_equal( port_queue_find_id( &queue, 1 ), a );
    assert_ptr_equal( port_queue_find_id( &queue, 0xffffffff ), b );
    /* the oldest of two with the same id */
    assert_ptr_equal( port_queue_find_id( &queue, 42 ), c );
    assert_null( port_queue_find_id( &queue, 2 ));
    assert_null( port_queue_find_id( &queue, 0 ));
    /* finding does not take */
    assert_int_equal( queue.count, 4 );
    assert_ptr_equal( port_queue_head( &queue ), a );

    port_queue_remove( &queue, c );
    free( c );
    assert_ptr_equal( port_queue_find_id( &queue, 42 ), dup );
    assert_int_equal( queue.count, 3 );

    assert_int_equal( port_queue_clear( &queue ), 3 );
    assert_null( port_queue_find_id( &queue, 1 ));
}

static void test_queue_remove_middle(void **state)
{
    struct port_queue queue;
    struct port_msg *msgs[4];
    unsigned int i;

    port_queue_init( &queue );
    for (i = 0; i < ARRAY_SIZE(msgs); i++) port_queue_push( &queue, (msgs[i] = new_msg( i + 1 )));

    /* from the middle, then the tail, then the head */
    port_queue_remove( &queue, msgs[1] );
    assert_int_equal( queue.count, 3 );
    assert_null( port_queue_find_id( &queue, 2 ));
    assert_ptr_equal( port_queue_head( &queue ), msgs[0] );
    port_queue_remove( &queue, msgs[3] );
    assert_int_equal( queue.count, 2 );
    assert_null( port_queue_find_id( &queue, 4 ));
    port_queue_remove( &queue, msgs[0] );
    assert_int_equal( queue.count, 1 );
    assert_ptr_equal( port_queue_head( &queue ), msgs[2] );

    /* what was removed may go into another queue */
    {
        struct port_queue other;

        port_queue_init( &other );
        port_queue_push( &other, msgs[3] );
        port_queue_push( &other, msgs[1] );
        assert_int_equal( other.count, 2 );
        assert_ptr_equal( port_queue_head( &other ), msgs[3] );
        assert_ptr_equal( port_queue_find_id( &other, 2 ), msgs[1] );
        assert_null( port_queue_find_id( &other, 3 ));
        assert_null( port_queue_find_id( &queue, 4 ));
        assert_int_equal( port_queue_clear( &other ), 2 );
    }

    /* pushing after a removal goes to the tail */
    msgs[1] = new_msg( 5 );
    port_queue_push( &queue, msgs[1] );
    assert_int_equal( queue.count, 2 );
    assert_ptr_equal( port_queue_head( &queue ), msgs[2] );
    port_queue_remove( &queue, msgs[2] );
    assert_ptr_equal( port_queue_head( &queue ), msgs[1] );
    free( msgs[2] );
    free( msgs[0] );

    assert_int_equal( port_queue_clear( &queue ), 1 );
    assert_int_equal( queue.count, 0 );
}

static void test_queue_clear(void **state)
{
    struct port_queue queue;
    unsigned int i, counter = 0;

    port_queue_init( &queue );
    for (i = 0; i < 100; i++) port_queue_push( &queue, new_msg( port_next_id( &counter )));
    assert_int_equal( queue.count, 100 );
    assert_int_equal( port_queue_head( &queue )->id, 1 );
    assert_int_equal( port_queue_find_id( &queue, 100 )->id, 100 );

    /* returns how many it freed; the queue is empty and usable afterwards */
    assert_int_equal( port_queue_clear( &queue ), 100 );
    assert_int_equal( queue.count, 0 );
    assert_true( list_empty( &queue.msgs ));
    assert_null( port_queue_head( &queue ));
    assert_null( port_queue_find_id( &queue, 1 ));
    assert_int_equal( port_queue_clear( &queue ), 0 );

    port_queue_push( &queue, new_msg( 3 ));
    port_queue_push( &queue, new_msg( 4 ));
    assert_int_equal( queue.count, 2 );
    assert_int_equal( port_queue_head( &queue )->id, 3 );
    assert_int_equal( port_queue_clear( &queue ), 2 );
    assert_int_equal( queue.count, 0 );
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test( test_port_limits ),
        cmocka_unit_test( test_alpc_port_limits ),
        cmocka_unit_test( test_msg_lengths_exact ),
        cmocka_unit_test( test_msg_lengths_total_larger ),
        cmocka_unit_test( test_msg_lengths_too_short ),
        cmocka_unit_test( test_msg_lengths_too_long ),
        cmocka_unit_test( test_msg_lengths_wrap ),
        cmocka_unit_test( test_msg_lengths_sweep ),
        cmocka_unit_test( test_next_id ),
        cmocka_unit_test( test_msg_alloc ),
        cmocka_unit_test( test_msg_alloc_fields_zeroed ),
        cmocka_unit_test( test_queue_empty ),
        cmocka_unit_test( test_queue_fifo ),
        cmocka_unit_test( test_queue_find_id ),
        cmocka_unit_test( test_queue_remove_middle ),
        cmocka_unit_test( test_queue_clear ),
    };
    return cmocka_run_group_tests_name( "port_msg", tests, NULL, NULL );
}
