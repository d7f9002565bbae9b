/*
 * libFuzzer target: wineserver's port message rules (server/port_msg.c).
 * Every length, id and limit in them comes from a client's request.  The
 * input is a sequence of operations: limit and length checks, messages
 * allocated and queued on a few queues, looked up by (client-chosen) ids,
 * removed and cleared, with the id counter set anywhere, so that it wraps.
 * A model of each queue checks every answer.
 */

#include <stdarg.h>
#include <stddef.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"
#include "port_msg.h"

#include "fuzz.h"

#define NB_QUEUES   3
#define MAX_QUEUED  64

struct model_msg
{
    struct port_msg *msg;
    unsigned int     type;
    unsigned int     id;
    unsigned int     size;
    uint32_t         hash;
};

struct model_queue
{
    struct port_queue  queue;
    struct model_msg   msgs[MAX_QUEUED];  /* in queue order */
    unsigned int       count;
};

static uint32_t hash_data( const unsigned char *data, unsigned int size )
{
    uint32_t h = 2166136261u;
    unsigned int i;

    for (i = 0; i < size; i++) h = (h ^ data[i]) * 16777619u;
    return h;
}

static void check_queue( const struct model_queue *q )
{
    struct port_msg *msg;
    unsigned int i = 0;

    CHECK( q->queue.count == q->count );
    LIST_FOR_EACH_ENTRY( msg, &q->queue.msgs, struct port_msg, entry )
    {
        CHECK( i < q->count );
        CHECK( msg == q->msgs[i].msg );
        CHECK( msg->type == q->msgs[i].type && msg->id == q->msgs[i].id && msg->size == q->msgs[i].size );
        CHECK( hash_data( msg->data, msg->size ) == q->msgs[i].hash );
        i++;
    }
    CHECK( i == q->count );
    CHECK( port_queue_head( &q->queue ) == (q->count ? q->msgs[0].msg : NULL) );
}

static void model_remove( struct model_queue *q, unsigned int i )
{
    memmove( &q->msgs[i], &q->msgs[i + 1], (q->count - i - 1) * sizeof(q->msgs[0]) );
    q->count--;
}

static void check_limits( int lpc, unsigned int info, unsigned int len, unsigned int *port_max )
{
    unsigned int status = port_check_limits( lpc, info, len );

    if (lpc)
    {
        if (info > LPC_MAX_INFO_LEN) CHECK( status == STATUS_INVALID_PARAMETER_3 );
        else if (len > LPC_MAX_MSG_LEN) CHECK( status == STATUS_INVALID_PARAMETER_4 );
        else CHECK( status == STATUS_SUCCESS );
    }
    else if (len < PORT_MSG_HEADER_SIZE || len > ALPC_MAX_MSG_LEN) CHECK( status == STATUS_INVALID_PARAMETER );
    else CHECK( status == STATUS_SUCCESS );
    /* a port that could be created: its messages are checked against it below */
    if (!status) *port_max = len;
}

static void check_lengths( unsigned int data_len, unsigned int total_len, unsigned int max_len )
{
    unsigned int status = port_check_msg_lengths( data_len, total_len, max_len );
    /* a message is its header and its data, and fits the port; nothing may wrap */
    int fits = (unsigned long long)data_len + PORT_MSG_HEADER_SIZE <= total_len && total_len <= max_len;

    CHECK( status == STATUS_SUCCESS || status == STATUS_INVALID_PARAMETER ||
           status == STATUS_PORT_MESSAGE_TOO_LONG );
    CHECK( (status == STATUS_SUCCESS) == fits );
    /* what port.c then copies and sends fits a 16-bit TotalLength */
    if (!status && max_len <= ALPC_MAX_MSG_LEN) CHECK( total_len <= ALPC_MAX_MSG_LEN );
}

static void free_attach( void *attach )
{
    free( attach );
}

int LLVMFuzzerTestOneInput( const uint8_t *data, size_t size )
{
    static struct model_queue queues[NB_QUEUES];
    struct fuzz_input in = { data, size };
    unsigned int counter = 0, port_max = LPC_MAX_MSG_LEN, i;

    for (i = 0; i < NB_QUEUES; i++)
    {
        port_queue_init( &queues[i].queue );
        queues[i].count = 0;
    }

    while (in.size)
    {
        uint8_t op = fuzz_u8( &in );
        struct model_queue *q = &queues[((op >> 4) & 3) % NB_QUEUES];  /* 0x40 and 0x80 are flags */

        switch (op & 0x0f)
        {
        case 0:  /* NtCreatePort / NtAlpcCreatePort limits */
        {
            unsigned int info = (op & 0x80) ? fuzz_u32( &in ) : fuzz_u16( &in );
            unsigned int len = (op & 0x80) ? fuzz_u32( &in ) : fuzz_u16( &in );
            check_limits( op & 0x40, info, len, &port_max );
            break;
        }
        case 1:  /* a message's lengths against the last port created */
        {
            unsigned int data_len = (op & 0x80) ? fuzz_u32( &in ) : fuzz_u16( &in );
            unsigned int total_len = (op & 0x80) ? fuzz_u32( &in ) : fuzz_u16( &in );
            check_lengths( data_len, total_len, port_max );
            break;
        }
        case 2:  /* the same, against any maximum */
        {
            unsigned int data_len = fuzz_u32( &in ), total_len = fuzz_u32( &in );
            check_lengths( data_len, total_len, fuzz_u32( &in ));
            break;
        }
        case 3:  /* the id counter, anywhere */
            counter = fuzz_u32( &in );
            break;
        case 4:  /* queue a message: a new id, or a reply's (any id the client names) */
        case 5:
        {
            unsigned int type = fuzz_u8( &in ), msg_size = fuzz_u8( &in ), id;
            unsigned int old = counter;
            struct port_msg *msg;

            if (msg_size > in.size) msg_size = in.size;
            if (!(msg = port_msg_alloc( type, in.data, msg_size ))) break;
            CHECK( msg->type == type && msg->size == msg_size && !msg->id && !msg->attach && !msg->sender );
            in.data += msg_size;
            in.size -= msg_size;
            if ((op & 0x0f) == 4)
            {
                id = port_next_id( &counter );
                CHECK( id && id == counter );
                CHECK( id == (old == ~0u ? 1 : old + 1) );
            }
            else id = fuzz_u32( &in );
            msg->id = id;
            if (op & 0x80)
            {
                msg->attach = malloc( 16 );
                msg->free_attach = free_attach;
            }
            if (q->count == MAX_QUEUED)
            {
                port_msg_free( msg );
                break;
            }
            port_queue_push( &q->queue, msg );
            q->msgs[q->count].msg  = msg;
            q->msgs[q->count].type = type;
            q->msgs[q->count].id   = id;
            q->msgs[q->count].size = msg_size;
            q->msgs[q->count].hash = hash_data( msg->data, msg_size );
            q->count++;
            break;
        }
        case 6:  /* find by id: a queued one's, or any */
        case 7:  /* and take it off the queue, as a reply or a receive does */
        {
            unsigned int id, first;
            struct port_msg *msg;

            if ((op & 0x80) && q->count) id = q->msgs[fuzz_u8( &in ) % q->count].id;
            else id = fuzz_u32( &in );
            msg = port_queue_find_id( &q->queue, id );
            for (first = 0; first < q->count; first++) if (q->msgs[first].id == id) break;
            if (first == q->count)
            {
                CHECK( !msg );
                break;
            }
            /* the oldest message with that id */
            CHECK( msg == q->msgs[first].msg && msg->id == id );
            if ((op & 0x0f) == 7)
            {
                port_queue_remove( &q->queue, msg );
                port_msg_free( msg );
                model_remove( q, first );
            }
            break;
        }
        case 8:  /* receive: the head */
        {
            struct port_msg *msg = port_queue_head( &q->queue );

            if (!q->count)
            {
                CHECK( !msg );
                break;
            }
            CHECK( msg == q->msgs[0].msg );
            port_queue_remove( &q->queue, msg );
            port_msg_free( msg );
            model_remove( q, 0 );
            break;
        }
        case 9:  /* a port closes */
            CHECK( port_queue_clear( &q->queue ) == q->count );
            q->count = 0;
            CHECK( !port_queue_head( &q->queue ));
            break;
        default:
            break;
        }
        for (i = 0; i < NB_QUEUES; i++) check_queue( &queues[i] );
    }

    for (i = 0; i < NB_QUEUES; i++)
    {
        CHECK( port_queue_clear( &queues[i].queue ) == queues[i].count );
        queues[i].count = 0;
    }
    return 0;
}
