import NLUService
import ServiceKit

await ServiceMain.run(NLUService.definition)
