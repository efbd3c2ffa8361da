// The vocabulary of a Telenotarzt consultation, shared by dispatch (LotseTelenotarzt) and the demand model.

/// What the crew needs the Telenotarzt for (DOMAIN.md "uses").
public enum ConsultationKind: String, Sendable, Codable, CodingKeyRepresentable, CaseIterable {
    case crewAdvice = "crew-advice"
    case dispatchedWithAmbulance = "dispatched-with-ambulance"
    case bridgingUntilNEF = "bridging-until-nef"
    case supportOnSceneNotarzt = "support-on-scene-notarzt"
    case secondaryTransport = "secondary-transport"
}

/// How a consultation ended.
public enum Disposition: String, Sendable, Codable, CaseIterable {
    case treatedOnScene = "treated-on-scene"
    case transportedToHospital = "transported-to-hospital"
    case handedOverToNotarzt = "handed-over-to-notarzt"
    case noTreatmentNeeded = "no-treatment-needed"
}
