/*
 * Port message rules that need no server state
 *
 * Copyright 2026 the wine-lpc authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

#include <stdlib.h>
#include <string.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"
#include "port_msg.h"

unsigned int port_check_limits( int lpc, unsigned int max_info_len, unsigned int max_msg_len )
{
    if (!lpc) return max_msg_len >= PORT_MSG_HEADER_SIZE && max_msg_len <= ALPC_MAX_MSG_LEN
                     ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
    if (max_info_len > LPC_MAX_INFO_LEN) return STATUS_INVALID_PARAMETER_3;
    if (max_msg_len > LPC_MAX_MSG_LEN) return STATUS_INVALID_PARAMETER_4;
    return STATUS_SUCCESS;
}

unsigned int port_check_msg_lengths( unsigned int data_len, unsigned int total_len,
                                     unsigned int max_msg_len )
{
    if (data_len + PORT_MSG_HEADER_SIZE > total_len) return STATUS_INVALID_PARAMETER;
    /* a DataLength near 4G wraps past the check above: then TotalLength leaves no room for the header */
    if (total_len > max_msg_len || total_len <= data_len || total_len - data_len < PORT_MSG_HEADER_SIZE)
        return STATUS_PORT_MESSAGE_TOO_LONG;
    return STATUS_SUCCESS;
}

unsigned int port_next_id( unsigned int *counter )
{
    if (!++*counter) ++*counter;
    return *counter;
}

struct port_msg *port_msg_alloc( unsigned int type, const void *data, unsigned int size )
{
    struct port_msg *msg = malloc( offsetof( struct port_msg, data[size] ));

    if (!msg) return NULL;
    memset( msg, 0, offsetof( struct port_msg, data ));
    msg->type = type;
    msg->size = size;
    if (size) memcpy( msg->data, data, size );
    return msg;
}

void port_queue_init( struct port_queue *queue )
{
    list_init( &queue->msgs );
    queue->count = 0;
}

void port_queue_push( struct port_queue *queue, struct port_msg *msg )
{
    list_add_tail( &queue->msgs, &msg->entry );
    queue->count++;
}

void port_queue_remove( struct port_queue *queue, struct port_msg *msg )
{
    list_remove( &msg->entry );
    queue->count--;
}

struct port_msg *port_queue_head( const struct port_queue *queue )
{
    struct list *ptr = list_head( &queue->msgs );
    return ptr ? LIST_ENTRY( ptr, struct port_msg, entry ) : NULL;
}

struct port_msg *port_queue_find_id( const struct port_queue *queue, unsigned int id )
{
    struct port_msg *msg;

    LIST_FOR_EACH_ENTRY( msg, &queue->msgs, struct port_msg, entry )
        if (msg->id == id) return msg;
    return NULL;
}

void port_msg_free( struct port_msg *msg )
{
    if (msg->attach) msg->free_attach( msg->attach );
    free( msg );
}

unsigned int port_queue_clear( struct port_queue *queue )
{
    struct port_msg *msg, *next;
    unsigned int count = 0;

    LIST_FOR_EACH_ENTRY_SAFE( msg, next, &queue->msgs, struct port_msg, entry )
    {
        list_remove( &msg->entry );
        port_msg_free( msg );
        count++;
    }
    queue->count = 0;
    return count;
}
