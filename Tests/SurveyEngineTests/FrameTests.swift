import Testing

@testable import SurveyEngine

@Suite struct FrameTests {
    @Test func frameLoadsEveryUnitWithItsRegion() throws {
        let frame = try Frame(csv: "respondent_id,name,type,region\nE1,A,unitary,London\nE2,B,county,North East\n")
        #expect(frame.count == 2)
        #expect(frame.unit("E2")?.region == "North East")
        #expect(!frame.contains("E3"))
    }

    @Test func cellsAreTrimmedAndLineEndsOfEveryKindAccepted() throws {
        let frame = try Frame(csv: "region , respondent_id,name\r\n North East\t, E1 ,Hartlepool\r\rLondon,E2, Barnet \nWales,E3,Cardiff")
        #expect(frame.units.map(\.id) == ["E1", "E2", "E3"])
        #expect(frame.unit("E1")?.region == "North East")
        #expect(frame.unit("E1")?.attributes == ["name": "Hartlepool"])
    }

    @Test func aShortRowIsNamedByItsLineInTheFile() throws {
        #expect {
            _ = try Frame(csv: "respondent_id,region\nE1,London\n\nE2\n", source: "frame.csv")
        } throws: { error in
            "\(error)".contains("line 4 has 1 fields, the header 2") && "\(error)".contains("frame.csv")
        }
        #expect(throws: SurveyDefinitionError.self) { try Frame(csv: "\n\n") }
        #expect(throws: SurveyDefinitionError.self) { try Frame(csv: "id,region\nE1,London") }
    }
}
