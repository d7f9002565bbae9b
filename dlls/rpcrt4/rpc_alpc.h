/*
 * ncalrpc over ALPC ports
 *
 * Copyright 2026 wine-lpc authors
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

#ifndef __WINE_RPC_ALPC_H
#define __WINE_RPC_ALPC_H

#ifndef DECLSPEC_HIDDEN  /* gone from Wine 9 on: PE modules hide what they do not export */
#define DECLSPEC_HIDDEN
#endif

/* connection_ops */
RpcConnection *rpcrt4_conn_alpc_alloc(void) DECLSPEC_HIDDEN;
RPC_STATUS rpcrt4_ncalrpc_alpc_open(RpcConnection *conn) DECLSPEC_HIDDEN;
RPC_STATUS rpcrt4_ncalrpc_alpc_handoff(RpcConnection *old_conn, RpcConnection *new_conn) DECLSPEC_HIDDEN;
int rpcrt4_conn_alpc_read(RpcConnection *conn, void *buffer, unsigned int len) DECLSPEC_HIDDEN;
int rpcrt4_conn_alpc_write(RpcConnection *conn, const void *buffer, unsigned int len) DECLSPEC_HIDDEN;
int rpcrt4_conn_alpc_close(RpcConnection *conn) DECLSPEC_HIDDEN;
void rpcrt4_conn_alpc_close_read(RpcConnection *conn) DECLSPEC_HIDDEN;
void rpcrt4_conn_alpc_cancel_call(RpcConnection *conn) DECLSPEC_HIDDEN;
RPC_STATUS rpcrt4_ncalrpc_alpc_is_server_listening(const char *endpoint) DECLSPEC_HIDDEN;
int rpcrt4_conn_alpc_wait_for_incoming_data(RpcConnection *conn) DECLSPEC_HIDDEN;
RPC_STATUS rpcrt4_conn_alpc_receive_fragment(RpcConnection *conn, RpcPktHdr **header, void **payload) DECLSPEC_HIDDEN;
RPC_STATUS rpcrt4_conn_alpc_impersonate_client(RpcConnection *conn) DECLSPEC_HIDDEN;
RPC_STATUS rpcrt4_conn_alpc_revert_to_self(RpcConnection *conn) DECLSPEC_HIDDEN;
RPC_STATUS rpcrt4_conn_alpc_inquire_client_pid(RpcConnection *conn, ULONG *pid) DECLSPEC_HIDDEN;

/* protseq_ops */
RpcServerProtseq *rpcrt4_protseq_alpc_alloc(void) DECLSPEC_HIDDEN;
void rpcrt4_protseq_alpc_signal_state_changed(RpcServerProtseq *protseq) DECLSPEC_HIDDEN;
void *rpcrt4_protseq_alpc_get_wait_array(RpcServerProtseq *protseq, void *prev_array, unsigned int *count) DECLSPEC_HIDDEN;
void rpcrt4_protseq_alpc_free_wait_array(RpcServerProtseq *protseq, void *array) DECLSPEC_HIDDEN;
int rpcrt4_protseq_alpc_wait_for_new_connection(RpcServerProtseq *protseq, unsigned int count, void *wait_array) DECLSPEC_HIDDEN;
RPC_STATUS rpcrt4_protseq_ncalrpc_alpc_open_endpoint(RpcServerProtseq *protseq, const char *endpoint, void *sd) DECLSPEC_HIDDEN;

/* the server's worker thread says which request it runs: its reply and impersonation need it */
void rpcrt4_alpc_set_current_call(RpcConnection *conn, ULONG call_id) DECLSPEC_HIDDEN;

#endif /* __WINE_RPC_ALPC_H */
