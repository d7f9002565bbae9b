/*
 * Port helpers shared by the LPC and ALPC system calls
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

#ifndef __WINE_NTDLL_UNIX_PORT_PRIVATE_H
#define __WINE_NTDLL_UNIX_PORT_PRIVATE_H

/* Message data crosses the server connection through a buffer of ours, so
 * that a bad pointer from the caller faults here, not inside a server call. */
#define PORT_HEADER_SIZE   FIELD_OFFSET( LPC_MESSAGE, Data )
#define PORT_MAX_DATA      0x10000
#define PORT_MAX_INFO      0x208
/* the most handles one ALPC message may pass, as wineserver allows */
#define PORT_MAX_HANDLES   64

#define LPC_MSG_REQUEST             1
#define LPC_MSG_REPLY               2
#define LPC_MSG_DATAGRAM            3
#define LPC_MSG_CONNECTION_REQUEST  10

enum port_receive_mode
{
    RECEIVE_ANY,          /* truncate what does not fit */
    RECEIVE_CONNECTIONS,  /* NtListenPort: connection requests only */
    RECEIVE_WHOLE         /* ALPC: leave what does not fit queued */
};

/* what an ALPC message carries besides its data */
struct port_attach
{
    port_send_attach_t send;                 /* to send: these, then the handles */
    port_handle_t      handles[PORT_MAX_HANDLES];
    unsigned int       want;                 /* to receive: PORT_WANT_* */
    BOOL               received;             /* recv and sid are set */
    port_recv_attach_t recv;
    unsigned char      sid[SECURITY_MAX_SID_SIZE];
};

/* room for what wineserver lays out after a received message's data */
#define PORT_RECV_ATTACH_SIZE (sizeof(port_recv_attach_t) + PORT_MAX_HANDLES * sizeof(port_handle_t) + \
                               SECURITY_MAX_SID_SIZE)

extern void port_probe_write( void *ptr, SIZE_T size );
extern NTSTATUS port_capture_sid( const void *sid, unsigned char buffer[SECURITY_MAX_SID_SIZE],
                                  data_size_t *len );
extern void port_add_send_attach( void *req, const struct port_attach *attach );
extern NTSTATUS port_wait( HANDLE handle, const LARGE_INTEGER *timeout, BOOL alertable );
/* a request that registered the thread's futex word with wineserver, so that
 * the thread may sleep on it rather than ask again and sleep in select */
struct port_sleep
{
    unsigned int slot;     /* the word: index + 1, or 0 to sleep in select */
    unsigned int seq;      /* its value before the request */
    BOOL         pending;  /* the request registered it: sleep before asking */
    data_size_t  deliver;  /* the request's 'deliver': port_deliver_room(), or 0 */
    BOOL         spin;     /* the wait is likely short: watch the word before sleeping */
};

/* a received message, as wineserver described it */
struct port_received
{
    ULONG        type;
    ULONG        data_info;
    ULONG        id;
    ULONG_PTR    callback_id;   /* a connection request's: its ClientViewSize */
    process_id_t pid;
    thread_id_t  tid;
    client_ptr_t context;
    data_size_t  data_size;     /* the message data */
    data_size_t  size;          /* the data and what follows it (port_recv_attach_t ...) */
};

extern void port_prepare_sleep( struct port_sleep *sleep, BOOL alertable );
extern void port_cancel_sleep( const struct port_sleep *sleep );
extern data_size_t port_deliver_room( ULONG max_data );
extern BOOL port_take_delivery( const struct port_sleep *sleep, struct port_received *info, void *data,
                                data_size_t room );
extern NTSTATUS port_sleep( HANDLE handle, const struct port_sleep *sleep, const LARGE_INTEGER *timeout,
                            BOOL alertable );
extern const LARGE_INTEGER *port_get_deadline( const LARGE_INTEGER *timeout, LARGE_INTEGER *deadline );
extern void port_fill_header( LPC_MESSAGE *msg, USHORT type, USHORT size, USHORT data_info,
                              process_id_t pid, thread_id_t tid, ULONG id, ULONG_PTR callback_id );
extern NTSTATUS port_create( HANDLE *handle, OBJECT_ATTRIBUTES *attr, ULONG info_len,
                             ULONG msg_len, ULONG flags, ULONG dup_types );
extern void port_get_recv_attach( struct port_attach *attach, const unsigned char *ptr, data_size_t size );
extern NTSTATUS port_send_message( HANDLE handle, const LPC_MESSAGE *msg, ULONG type, BOOL async,
                                   const struct port_attach *attach, ULONG *id, struct port_sleep *sleep );
extern NTSTATUS port_wait_reply( HANDLE handle, ULONG id, LPC_MESSAGE *msg_out, ULONG max_data,
                                 const LARGE_INTEGER *timeout, struct port_attach *attach,
                                 const struct port_sleep *sleep );
extern NTSTATUS port_reply_message( HANDLE handle, const LPC_MESSAGE *reply_msg,
                                    const struct port_attach *attach, struct port_sleep *sleep );
extern NTSTATUS port_receive_message( HANDLE handle, void **context, LPC_MESSAGE *msg, ULONG max_data,
                                      const LARGE_INTEGER *timeout, enum port_receive_mode mode,
                                      BOOL alertable, ULONG *needed, struct port_attach *attach,
                                      const struct port_sleep *sleep );

#endif /* __WINE_NTDLL_UNIX_PORT_PRIVATE_H */
