import GRDB

/// The database schema as named, append-only migrations.
///
/// A migration that has shipped is never edited: a change to the schema is a new migration at the
/// end of the list. Migrations use plain strings for tables and columns, never the app's types,
/// so that an old migration keeps meaning what it meant.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-case-management") { db in
            try db.create(table: "user") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique(onConflict: .abort)
                    .check { length($0) > 0 && length($0) <= 40 }
                t.column("displayName", .text)
                t.column("role", .text).notNull().check { ["coach", "jobcentre", "admin"].contains($0) }
                t.column("active", .boolean).notNull().defaults(to: true)
            }

            try db.create(table: "household") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("referenceCode", .text).notNull().check { length($0) > 0 }
                // The reference code folded for case-insensitive lookup beyond ASCII (PLÖ = plö).
                t.column("referenceKey", .text).notNull().unique(onConflict: .abort)
                t.column("jobcentreNumber", .text)
                t.column("languages", .jsonText).notNull().defaults(to: "[]")
                t.column("interpreterNeeded", .boolean).notNull().defaults(to: false)
                t.column("currentAccommodation", .text)
                t.column("currentMunicipality", .text).check { $0 == nil || length($0) == 8 }
                t.column("residenceObligation", .text).notNull().defaults(to: "none")
                t.column("benefitType", .text).notNull().check { ["sgb2", "sgb12", "asylblg", "none"].contains($0) }
                t.column("needsStepFree", .boolean).notNull().defaults(to: false)
                t.column("needsGroundFloorOrLift", .boolean).notNull().defaults(to: false)
                t.column("maxFloor", .integer).check { $0 == nil || ($0 >= 0 && $0 <= 30) }
                t.column("hasPets", .boolean).notNull().defaults(to: false)
                t.column("wbsHeld", .boolean).notNull().defaults(to: false)
                t.column("wbsRooms", .integer).check { $0 == nil || ($0 >= 1 && $0 <= 12) }
                t.column("preferredMunicipalities", .jsonText).notNull().defaults(to: "[]")
                t.column("excludedMunicipalities", .jsonText).notNull().defaults(to: "[]")
                t.column("earliestMoveDate", .text)
                t.column("deadline", .text)
                t.column("coachId", .integer).references("user", onDelete: .setNull)
                t.column("stage", .text).notNull().check {
                    ["intake", "coaching", "searching", "viewing", "contract", "moved-in", "aftercare", "closed"].contains($0)
                }
                t.column("openedOn", .text).notNull()
            }
            try db.create(index: "household_on_coachId", on: "household", columns: ["coachId"])

            try db.create(table: "stageChange") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("household", onDelete: .cascade).notNull()
                t.column("fromStage", .text)
                t.column("toStage", .text).notNull()
                t.column("date", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("note", .text)
            }

            try db.create(table: "member") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("household", onDelete: .cascade).notNull()
                t.column("givenName", .text).notNull().check { length($0) > 0 }
                t.column("familyName", .text).notNull().check { length($0) > 0 }
                t.column("birthDate", .text).notNull()
                t.column("role", .text).notNull().check { ["applicant", "partner", "child", "other-relative"].contains($0) }
            }

            try db.create(table: "anchor") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("household", onDelete: .cascade).notNull()
                t.belongsTo("member", onDelete: .setNull)
                t.column("kind", .text).notNull().check {
                    ["job", "training", "language-course", "school", "kita", "therapy", "other"].contains($0)
                }
                t.column("label", .text).notNull()
                t.column("street", .text)
                t.column("houseNumber", .text)
                t.column("postalCode", .text)
                t.column("place", .text)
                t.column("latitude", .double)
                t.column("longitude", .double)
                t.column("daysPerWeek", .integer).notNull().check { $0 >= 1 && $0 <= 7 }
                t.column("startDate", .text)
                t.column("endDate", .text)
            }

            try db.create(table: "landlord") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().check { length($0) > 0 }
                t.column("kind", .text).notNull().check { ["private", "company", "cooperative", "municipal"].contains($0) }
                t.column("contactPerson", .text)
                t.column("phone", .text)
                t.column("email", .text)
                t.column("street", .text)
                t.column("houseNumber", .text)
                t.column("postalCode", .text)
                t.column("place", .text)
                t.column("openness", .text).notNull().defaults(to: "unknown")
                    .check { ["unknown", "open", "declined"].contains($0) }
                t.column("opennessRecordedOn", .text)
                t.column("opennessRecordedBy", .text)
            }

            try db.create(table: "landlordContact") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("landlord", onDelete: .cascade).notNull()
                t.column("date", .text).notNull()
                t.column("coachId", .integer).notNull().references("user", onDelete: .restrict)
                t.column("channel", .text).notNull().check { ["phone", "email", "letter", "in-person", "other"].contains($0) }
                t.column("outcome", .text).notNull()
                t.column("followUp", .text)
            }

            try db.create(table: "listing") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("source", .text).notNull().check { length($0) > 0 }
                t.column("externalId", .text).notNull().check { length($0) > 0 }
                t.uniqueKey(["source", "externalId"])
                t.column("url", .text)
                t.column("title", .text)
                t.column("street", .text)
                t.column("houseNumber", .text)
                t.column("postalCode", .text)
                t.column("place", .text)
                t.column("municipality", .text)
                t.column("latitude", .double)
                t.column("longitude", .double)
                t.column("rooms", .double).notNull().check { $0 >= 1 && $0 <= 20 }
                t.column("livingArea", .double).notNull().check { $0 > 0 }
                t.column("floor", .integer)
                t.column("lift", .boolean)
                t.column("stepFree", .boolean)
                t.column("netColdRentCents", .integer).notNull().check { $0 >= 0 }
                t.column("operatingCostsCents", .integer).notNull().check { $0 >= 0 }
                t.column("heatingCostsCents", .integer).check { $0 == nil || $0 >= 0 }
                t.column("heatingIncluded", .boolean).notNull().defaults(to: false)
                t.column("heatingType", .text)
                t.column("depositCents", .integer).check { $0 == nil || $0 >= 0 }
                t.column("availableFrom", .text)
                t.column("availableFromText", .text)
                t.column("wbsRequired", .boolean).notNull().defaults(to: false)
                t.column("petsAllowed", .boolean)
                t.column("landlordId", .integer).references("landlord", onDelete: .setNull)
                t.column("firstSeen", .text).notNull()
                t.column("lastSeen", .text).notNull()
                t.column("status", .text).notNull().check { ["active", "reserved", "let", "gone"].contains($0) }
                t.column("duplicateOfId", .integer).references("listing", onDelete: .setNull)
                t.column("contentHash", .text)
            }
            try db.create(index: "listing_on_status_municipality", on: "listing", columns: ["status", "municipality"])

            try db.create(table: "listingPrice") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("listing", onDelete: .cascade).notNull()
                t.column("seenOn", .text).notNull()
                t.column("netColdRentCents", .integer).notNull()
                t.column("operatingCostsCents", .integer).notNull()
                t.column("heatingCostsCents", .integer)
            }

            try db.create(table: "course") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("title", .text).notNull().check { length($0) > 0 }
                t.column("requiredModules", .jsonText).notNull()
            }

            try db.create(table: "courseSession") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("course", onDelete: .cascade).notNull()
                t.column("date", .text).notNull()
                t.column("startTime", .text).notNull()
                t.column("place", .text).notNull()
                t.column("trainer", .text).notNull()
                t.column("language", .text).notNull()
                t.column("capacity", .integer).notNull().check { $0 >= 1 }
                t.column("modules", .jsonText).notNull()
            }

            try db.create(table: "attendance") { t in
                t.belongsTo("courseSession", onDelete: .cascade).notNull()
                t.belongsTo("member", onDelete: .cascade).notNull()
                t.primaryKey(["courseSessionId", "memberId"])
                t.column("status", .text).notNull().check { ["present", "absent", "excused"].contains($0) }
            }

            try db.create(table: "visit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("household", onDelete: .cascade).notNull()
                t.column("coachId", .integer).notNull().references("user", onDelete: .restrict)
                t.column("date", .text).notNull()
                t.column("kind", .text).notNull().check {
                    ["home-visit", "office", "phone", "accompanied-viewing", "other"].contains($0)
                }
                t.column("durationMinutes", .integer).notNull().check { $0 >= 1 && $0 <= 720 }
                t.column("topics", .jsonText).notNull().defaults(to: "[]")
                t.column("note", .text)
                t.column("followUp", .text)
            }

            // Who did what, when: one row for every write and every read of a household's data.
            try db.create(table: "auditLog") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("entity", .text).notNull()
                t.column("entityId", .integer)
                t.column("householdId", .integer)
                t.column("detail", .text)
            }
            try db.create(index: "auditLog_on_householdId", on: "auditLog", columns: ["householdId"])
            // The product never edits or deletes audit rows; the schema refuses it too.
            try db.execute(sql: """
                CREATE TRIGGER auditLog_no_update BEFORE UPDATE ON auditLog
                BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;
                CREATE TRIGGER auditLog_no_delete BEFORE DELETE ON auditLog
                BEGIN SELECT RAISE(ABORT, 'the audit log cannot be deleted from'); END;
                """)
        }
        migrator.registerMigration("v2-listing-import") { db in
            // Per source: what the last fetch returned, for conditional GET.
            try db.create(table: "importSource") { t in
                t.primaryKey("name", .text)
                t.column("etag", .text)
                t.column("lastModified", .text)
                t.column("lastAttemptAt", .text)
                t.column("lastSuccessAt", .text)
            }
            // One row per source per run: what the admin reads in the morning.
            try db.create(table: "importRun") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("source", .text).notNull()
                t.column("startedAt", .text).notNull()
                t.column("finishedAt", .text).notNull()
                t.column("outcome", .text).notNull().check { ["imported", "not-modified", "failed"].contains($0) }
                t.column("httpStatus", .integer)
                t.column("bytes", .integer).notNull().defaults(to: 0)
                t.column("scope", .text)
                t.column("newCount", .integer).notNull().defaults(to: 0)
                t.column("changedCount", .integer).notNull().defaults(to: 0)
                t.column("unchangedCount", .integer).notNull().defaults(to: 0)
                t.column("goneCount", .integer).notNull().defaults(to: 0)
                t.column("duplicateCount", .integer).notNull().defaults(to: 0)
                t.column("skippedCount", .integer).notNull().defaults(to: 0)
                t.column("warningCount", .integer).notNull().defaults(to: 0)
                t.column("error", .text)
                t.column("diagnostics", .text)
            }
            try db.create(index: "importRun_on_source", on: "importRun", columns: ["source", "id"])
            try db.create(index: "listing_on_duplicate_key", on: "listing", columns: ["postalCode", "rooms"])
            try db.create(index: "listing_on_landlord", on: "listing", columns: ["landlordId"])
        }
        migrator.registerMigration("v3-matching") { db in
            // One matching run: its parameters, counts and time taken.
            try db.create(table: "matchRun") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("startedAt", .text).notNull()
                t.column("finishedAt", .text).notNull()
                t.column("date", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("parameters", .text).notNull()
                t.column("households", .integer).notNull()
                t.column("listings", .integer).notNull()
                t.column("pairsConsidered", .integer).notNull()
                t.column("feasiblePairs", .integer).notNull()
                t.column("suggestions", .integer).notNull()
                t.column("assigned", .integer).notNull()
                t.column("milliseconds", .integer).notNull()
            }
            try db.create(table: "suggestion") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("matchRun", onDelete: .cascade).notNull()
                t.belongsTo("household", onDelete: .cascade).notNull()
                t.belongsTo("listing", onDelete: .cascade).notNull()
                t.column("rank", .integer).notNull().check { $0 >= 1 }
                t.column("score", .double).notNull().check { $0 >= 0 && $0 <= 1 }
                t.column("priority", .double).notNull()
                t.column("assigned", .boolean).notNull()
                t.column("state", .text).notNull().check {
                    ["suggested", "presented", "submitted", "approved", "rejected", "applied", "viewing", "contract-signed",
                     "moved-in", "declined-by-household", "declined-by-landlord", "withdrawn"].contains($0)
                }
                t.column("stateDate", .text).notNull()
                t.column("costVerdict", .text)
                t.column("grossColdRentCents", .integer).notNull()
                t.column("limitCents", .integer)
                t.column("explanation", .text).notNull()
                t.uniqueKey(["matchRunId", "householdId", "listingId"])
            }
            try db.create(index: "suggestion_on_household_state", on: "suggestion", columns: ["householdId", "state"])
            try db.create(index: "suggestion_on_state", on: "suggestion", columns: ["state", "stateDate"])
            try db.create(table: "suggestionEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("suggestion", onDelete: .cascade).notNull()
                t.column("fromState", .text)
                t.column("toState", .text).notNull()
                t.column("date", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("reason", .text)
                t.column("note", .text)
            }
        }
        migrator.registerMigration("v4-privacy") { db in
            // Case sharing: further coaches an admin assigned to a household besides its coach in charge.
            try db.create(table: "householdCoach") { t in
                t.belongsTo("household", onDelete: .cascade).notNull()
                t.belongsTo("coach", inTable: "user", onDelete: .cascade).notNull()
                t.primaryKey(["householdId", "coachId"])
                t.column("sharedOn", .text).notNull()
                t.column("sharedBy", .text).notNull()
            }

            // An erased household keeps an anonymous remainder for reporting: the day of the erasure and
            // its size (its members are gone, so the size can no longer be counted).
            try db.alter(table: "household") { t in
                t.add(column: "erasedOn", .text)
                t.add(column: "erasedSize", .integer).check { $0 == nil || $0 >= 0 }
            }

            // The audit log becomes a hash chain (see AuditChain). Rows written before this migration
            // are chained here, in id order; from now on every row is chained as it is written.
            try db.alter(table: "auditLog") { t in
                t.add(column: "prevHash", .text)
                t.add(column: "hash", .text)
            }
            try db.execute(sql: "DROP TRIGGER auditLog_no_update")
            try AuditChain.backfill(db)
            try db.execute(sql: """
                CREATE TRIGGER auditLog_no_update BEFORE UPDATE ON auditLog
                BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;
                CREATE TRIGGER auditLog_chained BEFORE INSERT ON auditLog
                WHEN NEW.hash IS NULL OR NEW.prevHash IS NULL
                BEGIN SELECT RAISE(ABORT, 'audit rows must be chained: write them with Audit.record'); END;
                """)
            try db.create(index: "auditLog_on_actor", on: "auditLog", columns: ["actor"])
        }
        migrator.registerMigration("v5-web") { db in
            // The web app's sign-in: a bcrypt hash per user (NULL: the user cannot sign in on the web).
            try db.alter(table: "user") { t in
                t.add(column: "passwordHash", .text)
            }
            // Signed-in browsers. Only a SHA-256 of the cookie's random token is stored, so a copy of
            // the database does not let anyone take over a session. Times are Unix seconds.
            try db.create(table: "webSession") { t in
                t.primaryKey("tokenHash", .text).check { length($0) == 64 }
                t.belongsTo("user", onDelete: .cascade).notNull()
                t.column("csrfToken", .text).notNull().check { length($0) >= 32 }
                t.column("createdAt", .integer).notNull()
                t.column("lastSeenAt", .integer).notNull()
                t.column("expiresAt", .integer).notNull()
            }
            // Failed sign-ins for throttling, by SHA-256 of the typed user name and of the client
            // address (never the plain text: people type passwords into the name field). Kept a day.
            try db.create(table: "loginFailure") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("nameKey", .text).notNull()
                t.column("addressKey", .text).notNull()
                t.column("at", .integer).notNull()
            }
            try db.create(index: "loginFailure_on_nameKey", on: "loginFailure", columns: ["nameKey", "at"])
            try db.create(index: "loginFailure_on_addressKey", on: "loginFailure", columns: ["addressKey", "at"])
        }
        migrator.registerMigration("v6-explanation-facts") { db in
            // What a run's explanations share (rules, cost table, repeated texts), stored once; its
            // suggestions then keep only their own figures. NULL for runs stored before, whose
            // suggestions hold the whole explanation.
            try db.alter(table: "matchRun") { t in
                t.add(column: "explanationTerms", .text)
            }
        }
        migrator.registerMigration("v7-suggestion-indexes") { db in
            // Covered by wider indexes that start with the same column (the unique key on matchRunId,
            // householdId, listingId, and householdId + state), which serve the lookups and the
            // foreign-key cascades as well; every stored suggestion paid for updating them.
            try db.drop(index: "suggestion_on_matchRunId")
            try db.drop(index: "suggestion_on_householdId")
        }
        return migrator
    }
}
