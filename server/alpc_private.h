/*
 * Port objects: what the files of the port object (alpc*.c) share
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

#ifndef __WINE_SERVER_ALPC_PRIVATE_H
#define __WINE_SERVER_ALPC_PRIVATE_H

#define ALPC_PORFLG_LPC_MODE             0x00001000  /* created by the legacy LPC calls */
#define ALPC_PORFLG_ALLOW_IMPERSONATION  0x00010000
#define ALPC_PORFLG_WAITABLE_PORT        0x00040000
#define ALPC_PORFLG_ALLOW_DUP_OBJECT     0x00080000
#define ALPC_PORFLG_ALLOW_MULTIHANDLE_ATTRIBUTE 0x02000000

#define ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS     0x00010000
#define ALPC_HANDLEFLG_DUPLICATE_SAME_ATTRIBUTES 0x00020000
#define ALPC_HANDLEFLG_DUPLICATE_INHERIT         0x00080000

#define ALPC_CANCELFLG_NO_CONTEXT_CHECK          0x00000008

#define ALPC_DISCONNECTFLG_NO_FLUSH              0x00000001  /* phnt's "skip pending flush" */

#define ALPC_VIEWFLG_UNMAP_EXISTING              0x00010000
#define ALPC_VIEWFLG_AUTO_RELEASE                0x00020000
#define ALPC_VIEWFLG_SECURED_ACCESS              0x00040000

/* bounds what a sender that nobody reads can make the server hold (Windows
 * charges a pool quota instead) */
#define PORT_QUEUE_LIMIT  16384

/* what a thread has to do with ports, to undo when it ends (thread->port_thread) */
struct port_thread
{
    struct list waits;             /* port_wait: its requests waiting for their replies */
    struct list callbacks;         /* port_wait: callbacks sent to it, not answered yet */
    struct list terminate_ports;   /* terminate_port: ports to tell when it ends */
    struct list connecting;        /* alpc_port: client ports it connects, outcome not taken */
};

/* the most handles one message may pass */
#define PORT_MAX_HANDLES  64

enum port_kind { PORT_CONNECTION, PORT_SERVER, PORT_CLIENT };

struct alpc_port
{
    struct object      obj;            /* object header */
    enum port_kind     kind;
    unsigned int       flags;          /* ALPC_PORFLG_* */
    unsigned int       max_msg_len;    /* longest message, header included */
    unsigned int       max_info_len;   /* longest connection information */
    int                closed;         /* its last handle is gone */
    struct port_queue  queue;          /* connection and client ports: messages to receive */
    struct process    *owner;          /* connection port: the server process */
    struct list        server_ports;   /* connection port: its server ports */
    struct alpc_port  *conn;           /* server and client ports: the connection port */
    struct alpc_port  *peer;           /* server <-> client while connected */
    struct list        conn_entry;     /* server port: in conn->server_ports */
    client_ptr_t       context;        /* server port: context given at accept */
    struct alpc_port  *completing;     /* server port: client accepted, not completed yet */
    unsigned int       connect_status; /* client port: STATUS_PENDING until decided */
    unsigned int       connect_id;     /* client port: MessageId of its connection request */
    thread_id_t        connect_tid;    /* client port: the connecting thread */
    process_id_t       connect_pid;
    timeout_t          connect_time;   /* client port: start time of the client process */
    int                connect_waiting;/* client port: the connecting thread has no outcome yet */
    int                connect_async;  /* client port: told of the outcome by LPC_CONNECTION_REPLY */
    struct port_msg   *connect_msg;    /* client port: its queued connection request */
    struct list        connecting;     /* connection port: client ports not accepted yet */
    struct list        connect_entry;  /* client port: in conn->connecting */
    struct list        hash_entry;     /* client port: in the connection requests by MessageId */
    struct list        waiter_entry;   /* client port: in the connecting thread's list until it takes the outcome */
    obj_handle_t       connect_handle; /* client port: the connecting thread's handle */
    struct port_msg   *connect_reply;  /* client port: the server's answer, until it is taken */
    struct port_msg   *closed_msg;     /* client port: LPC_PORT_CLOSED, to send when it leaves */
    int                imp_level;      /* client port: SECURITY_QUALITY_OF_SERVICE */
    int                dynamic_tracking;
    struct token      *token;          /* client port: its token, captured for static tracking */
    struct process    *process;        /* client port: the client process */
    struct object     *section;        /* client port: its section, until the server maps it */
    mem_size_t         view_offset;    /* client port: its view of that section */
    mem_size_t         view_size;
    int                server_view;    /* client port: wants the server's view mapped */
    int                server_view_granted; /* client port: the server got a handle to map it */
    client_ptr_t       remote_base;    /* client port: its view as mapped in the server */
    mem_size_t         server_view_size; /* client port: size of the server's view */
    client_ptr_t       views[2];       /* views to unmap from the port's process when it goes:
                                          the client's section, then the server's */
    unsigned int       dup_types;      /* ALPC: object types that messages to this port may pass */
    mem_size_t         max_section;    /* ALPC: largest port section, 0 for no limit */
    mem_size_t         max_view;       /* ALPC: largest view of one */
    mem_size_t         max_total;      /* ALPC: all its port sections together */
    struct completion *completion;     /* ALPC: told of every message queued */
    apc_param_t        completion_key;
    struct list        sleepers;       /* threads that wait on it with a futex */
    struct list        waits;          /* requests sent through it, waiting for replies */
    struct list        requests;       /* requests queued to it or received from it, not replied to */
    struct list        handles;        /* ALPC: sections and security contexts made through it */
    struct list        mapped_views;   /* ALPC: views of port sections mapped through it */
    struct list        records;        /* ALPC: messages received through it, kept for what they carry */
};

/* what an ALPC message carries besides data: objects travel, handles and
 * views are made in the receiver when it takes the message */
struct msg_attach
{
    struct token  *token;           /* the sender's, or its security context's */
    int            context;         /* token is a security context's ... */
    int            imp_level;       /* ... captured at this level */
    struct object *view;            /* the section of a view passed (a copy of it, secured) */
    mem_size_t     view_size;
    unsigned int   view_flags;
    struct process *release_process; /* ALPC_VIEWFLG_AUTO_RELEASE: the sender's view to unmap ... */
    client_ptr_t   release_base;    /* ... when the message is done with, if it is still ... */
    struct object *release_mapping; /* ... this section's there */
    int            unmap_existing;  /* ALPC_VIEWFLG_UNMAP_EXISTING: a reply unmaps the replier's view */
    struct event  *event;           /* direct attribute: set once received */
    client_ptr_t   ticket;          /* work-on-behalf ticket */
    unsigned int   count;
    struct msg_handle
    {
        struct object *obj;
        unsigned int   flags;
        unsigned int   type;        /* ALPC_PORFLG_OBJECT_TYPE_* */
        unsigned int   access;
        unsigned int   attributes;
    } handles[1];
};

/* A received ALPC message that passed handles or a view is kept, with its objects,
 * until the receiver replies to it or releases it (LPC_CONTINUATION_REQUIRED,
 * openvmm): NtAlpcQueryInformationMessage makes the receiver a new handle to one
 * of them each time it asks, and a reply may unmap the receiver's view. */
struct port_record
{
    struct list        entry;          /* in the receiving port's records */
    unsigned int       msg_id;
    unsigned int       callback_id;
    struct msg_attach *attach;         /* what the message carried */
    client_ptr_t       recv_view;      /* where the receiver mapped its view, or 0 */
};

/* alpc.c: the object, its connections and lifetime */
extern struct alpc_port *get_port_obj( struct process *process, obj_handle_t handle, unsigned int access );
extern struct alpc_port *receive_port( struct alpc_port *port );
extern struct port_thread *get_port_thread( struct thread *thread );
extern int port_ready( void *obj, struct thread *thread );
extern int cid_matches( const struct alpc_port *port, process_id_t pid, thread_id_t tid,
                        process_id_t sender_pid, thread_id_t sender_tid );

/* alpc_queue.c: queues, requests waiting for replies, delivery */
struct port_wait;
extern struct port_msg *new_msg( unsigned int type, const void *data, data_size_t size );
extern unsigned int next_msg_id(void);
extern struct port_wait *find_wait( struct alpc_port *port, struct thread *thread );
extern struct port_wait *find_received( struct alpc_port *port, unsigned int msg_id, unsigned int callback_id,
                                        process_id_t pid, thread_id_t tid );
extern struct thread *wait_thread( struct port_wait *wait );
extern void end_port_waits( struct alpc_port *port );
extern void end_port_requests( struct alpc_port *port );
extern void end_thread_waits( struct port_thread *pt );
extern void wake_port( struct alpc_port *port );
extern void wake_receivers( struct alpc_port *port );
extern void unqueue_msg( struct alpc_port *port, struct port_msg *msg );
extern void flush_queue( struct alpc_port *port );
extern int queue_msg( struct alpc_port *port, struct port_msg *msg );
extern struct port_msg *alloc_notification( unsigned int type );
extern void queue_notification( struct alpc_port *port, struct port_msg *msg, client_ptr_t context,
                                process_id_t pid, thread_id_t tid, timeout_t time );
extern void cancel_queued( struct alpc_port *client, int flush );
extern void fill_recv_info( port_recv_attach_t *info, const struct msg_attach *attach, unsigned int want,
                            unsigned int count, data_size_t sid_size );
extern void put_recv_info( char *dest, const port_recv_attach_t *info, const port_handle_t *handles,
                           const struct sid *sid );

/* alpc_attach.c: what messages carry, port sections and views, security contexts */
extern void port_free_handles_and_views( struct alpc_port *port );
extern void unmap_views( struct alpc_port *port );
extern struct object *get_section_obj( struct process *process, obj_handle_t handle, unsigned int access );
extern int attach_msg( struct port_msg *msg, struct alpc_port *port, struct alpc_port *target, const void *data,
                       data_size_t size );
extern void release_view_with( struct port_msg *msg );
extern int reply_msg_data( struct port_msg *msg, unsigned int want, data_size_t data_size, int kept );
extern int keeps_record( const struct alpc_port *port, const struct port_msg *msg, unsigned int want );
extern void keep_record( struct alpc_port *port, struct port_record *record, struct port_msg *msg );
extern struct port_record *find_record( struct alpc_port *port, unsigned int msg_id, unsigned int callback_id,
                                        int any_callback );
extern client_ptr_t take_received_view( struct port_record *record );
extern void free_record( struct port_record *record );
extern void free_records( struct alpc_port *port );

#endif  /* __WINE_SERVER_ALPC_PRIVATE_H */
