/*
 * Futex wake-ups for threads that wait on ports
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

#ifndef __WINE_SERVER_PORT_WAKE_H
#define __WINE_SERVER_PORT_WAKE_H

struct wake_slot;

/* let the current thread sleep on its futex word until the owner of 'waiters' wakes it;
 * 'slot' is as the thread passed it in its request: its index + 1, or 0 for none.
 * With 'deliver', it takes a message of 'kind' (PORT_DELIVER_*) of up to deliver - 1
 * bytes in its slot, with what 'want' (PORT_WANT_*) asks for. */
extern void port_wake_register( struct list *waiters, unsigned int slot, int kind, data_size_t deliver,
                                unsigned int want );
/* wake the threads registered on 'waiters' that would now find what they wait for */
extern void port_wake_ready( struct list *waiters, int (*ready)( void *arg, struct thread *thread ), void *arg );
/* 'waiters' is going away: wake the threads still registered on it, which
 * nothing could wake any more; they ask again and learn what became of the port */
extern void port_wake_detach( struct list *waiters );
/* a thread on 'waiters' (any, or 'thread') that takes a delivery of this kind and data size */
extern struct wake_slot *port_wake_find( struct list *waiters, struct thread *thread, int kind,
                                         data_size_t size );
extern port_delivery_t *port_wake_delivery( struct wake_slot *wake, unsigned int *want );
/* the delivery is written: wake its thread */
extern void port_wake_deliver( struct wake_slot *wake );
extern void port_wake_thread_terminated( struct thread *thread );

#endif /* __WINE_SERVER_PORT_WAKE_H */
