/// Someone who lets flats: a private person, a company, a cooperative or the municipality.
public struct Landlord: Hashable, Codable, Sendable {
    public typealias ID = EntityID<Landlord>

    public var id: ID?
    public var name: String
    public var kind: Kind
    public var contactPerson: String?
    public var phone: String?
    public var email: String?
    public var address: Address?
    /// Whether the landlord rents to refugee households.
    public var openness: Openness
    public var opennessRecordedOn: CalendarDate?
    public var opennessRecordedBy: String?

    public enum Kind: String, Hashable, Codable, Sendable, CaseIterable {
        case `private`, company, cooperative, municipal
    }

    public enum Openness: String, Hashable, Codable, Sendable, CaseIterable {
        case unknown, open, declined
    }

    public init(
        id: ID? = nil, name: String, kind: Kind, contactPerson: String? = nil, phone: String? = nil, email: String? = nil,
        address: Address? = nil, openness: Openness = .unknown, opennessRecordedOn: CalendarDate? = nil,
        opennessRecordedBy: String? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.contactPerson = contactPerson
        self.phone = phone
        self.email = email
        self.address = address
        self.openness = openness
        self.opennessRecordedOn = opennessRecordedOn
        self.opennessRecordedBy = opennessRecordedBy
    }

    public func validate() throws {
        if name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw DomainError.invalidField(field: "name", value: name, hint: "give the landlord's name")
        }
        if let email, !email.isEmpty, !(email.contains("@") && !email.hasPrefix("@") && !email.hasSuffix("@")) {
            throw DomainError.invalidField(field: "email", value: email, hint: "give an address like name@example.org")
        }
    }
}

/// One contact with a landlord: a call, a letter, a meeting.
public struct LandlordContact: Hashable, Codable, Sendable {
    public typealias ID = EntityID<LandlordContact>

    public var id: ID?
    public var landlordID: Landlord.ID
    public var date: CalendarDate
    public var coachID: User.ID
    public var channel: Channel
    public var outcome: String
    public var followUp: CalendarDate?

    public enum Channel: String, Hashable, Codable, Sendable, CaseIterable {
        case phone, email, letter
        case inPerson = "in-person"
        case other
    }

    public init(id: ID? = nil, landlordID: Landlord.ID, date: CalendarDate, coachID: User.ID, channel: Channel, outcome: String, followUp: CalendarDate? = nil) {
        self.id = id
        self.landlordID = landlordID
        self.date = date
        self.coachID = coachID
        self.channel = channel
        self.outcome = outcome
        self.followUp = followUp
    }
}

import Foundation
