import Testing

@testable import SurveyEngine

@Suite struct FrameTests {
    @Test func frameLoadsEveryUnitWithItsRegion() throws {
        let frame = try Frame(csv: "respondent_id,name,type,region\nE1,A,unitary,London\nE2,B,county,North East\n")
        #expect(frame.count == 2)
        #expect(frame.unit("E2")?.region == "North East")
        #expect(!frame.contains("E3"))
    }
}
