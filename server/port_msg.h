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

/* Shared by wineserver's alpc*.c and, built natively, the unit tests. */

#ifndef __WINE_SERVER_PORT_MSG_H
#define __WINE_SERVER_PORT_MSG_H

#include "wine/list.h"

/* the x64 PORT_MESSAGE header, which every length below counts */
#define PORT_MSG_HEADER_SIZE     0x28
/* largest MaxMessageLength and MaxConnectionInfoLength of an LPC port on x64 */
#define LPC_MAX_MSG_LEN          0x288
#define LPC_MAX_INFO_LEN         0x208
/* TotalLength is 16 bits wide, which bounds an ALPC message */
#define ALPC_MAX_MSG_LEN         0xffff

/* message types (PORT_MESSAGE u2.s2.Type, low byte) */
#define PORT_MSG_REQUEST             1
#define PORT_MSG_REPLY               2
#define PORT_MSG_DATAGRAM            3
#define PORT_MSG_PORT_CLOSED         5
#define PORT_MSG_CLIENT_DIED         6
#define PORT_MSG_CONNECTION_REQUEST  10
#define PORT_MSG_CONNECTION_REPLY    11
#define PORT_MSG_CANCELED            12

struct port_msg
{
    struct list    entry;        /* in a queue */
    unsigned int   type;         /* PORT_MSG_* */
    unsigned int   id;           /* MessageId */
    unsigned int   callback_id;  /* CallbackId */
    unsigned int   data_info;    /* DataInfoOffset */
    unsigned int   client_pid;   /* ClientId of the sender */
    unsigned int   client_tid;
    void          *sender;       /* who waits on it: a request's wait record, a connection
                                    request's client port; NULL when nobody does */
    void          *origin;       /* the client port it came through, while that one is connected */
    unsigned long long context;  /* port context of the sender's connection */
    void          *attach;       /* what the message carries besides data (ALPC attributes) */
    void         (*free_attach)( void *attach );
    unsigned int   size;         /* data bytes */
    unsigned char  data[1];
};

struct port_queue
{
    struct list    msgs;
    unsigned int   count;
};

/* the limits of NtCreatePort (lpc) or NtAlpcCreatePort: STATUS_SUCCESS or the status to fail with */
extern unsigned int port_check_limits( int lpc, unsigned int max_info_len, unsigned int max_msg_len );
/* a message's DataLength and TotalLength against a port's maximum */
extern unsigned int port_check_msg_lengths( unsigned int data_len, unsigned int total_len,
                                            unsigned int max_msg_len );
/* the next MessageId or CallbackId: never 0 */
extern unsigned int port_next_id( unsigned int *counter );

extern struct port_msg *port_msg_alloc( unsigned int type, const void *data, unsigned int size );
/* frees a message and what it carries */
extern void port_msg_free( struct port_msg *msg );
extern void port_queue_init( struct port_queue *queue );
extern void port_queue_push( struct port_queue *queue, struct port_msg *msg );
extern void port_queue_remove( struct port_queue *queue, struct port_msg *msg );
extern struct port_msg *port_queue_head( const struct port_queue *queue );
extern struct port_msg *port_queue_find_id( const struct port_queue *queue, unsigned int id );
/* frees every message; returns how many */
extern unsigned int port_queue_clear( struct port_queue *queue );

#endif  /* __WINE_SERVER_PORT_MSG_H */
