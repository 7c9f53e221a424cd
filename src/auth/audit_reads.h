/*
 * Audit records of reads of personal data.  A read must not wait for a
 * disk write of its own, or every list of residents would serialise on the
 * database's single writer; so reads queue their record and one thread
 * appends queued records in batches (one transaction, one fsync per batch),
 * at the latest 50 ms after the read.  Stopping the server flushes the
 * queue.  Changes and unmasking are audited synchronously, in the same
 * transaction as what they record.
 */
#ifndef GR_AUTH_AUDIT_READS_H
#define GR_AUTH_AUDIT_READS_H

#include "auth/audit.h"
#include "db/db.h"

/* Start the writer with its own connection.  Returns an rc. */
int audit_reads_start(const struct db_options *o);
/* Queue a record (copied).  Without a running writer it is written at
 * once through db. */
int audit_reads_add(struct db *db, const struct audit_entry *e);
/* Write everything queued and stop the writer. */
void audit_reads_stop(void);
/* Records written by the writer so far (for tests and metrics). */
uint64_t audit_reads_written(void);

#endif
