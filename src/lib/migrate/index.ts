// Moving items between two backends: which ones, copy and verify, resume after an interruption.
export {FileJournal, journalName, MemoryJournal, type Journal} from './journal.ts'
export {isSameStore, migrateItems, type MigrateAction, type MigrateOptions, type MigrateOutcome} from './migrate.ts'
export {isLiveSsoToken, selectItems, type ItemKind, type SelectedItem, type SelectOptions} from './select-items.ts'
export {describeOutcome, summarise, type MigrateSummary} from './summary.ts'
