package dev.aegis.history.records;

/** What a history record describes. A prediction that belongs to a batch is a BATCH_ITEM. */
public enum RecordKind {
    PREDICTION, ATTACK, BATCH_ITEM
}
