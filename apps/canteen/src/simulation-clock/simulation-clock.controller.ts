import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role, Roles } from '@meal/auth';
import { SetSimulationClockDto, SimulationClockDto } from './simulation-clock.dto';
import { SimulationClockService } from './simulation-clock.service';

/** 模拟时钟: the simulator moves the canteen service's scan clock to the simulated day and meal slot. */
@ApiTags('simulation')
@ApiBearerAuth()
@Controller('simulation/clock')
export class SimulationClockController {
  constructor(private readonly clocks: SimulationClockService) {}

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({ summary: '读取模拟时钟', description: 'What the scan clock shows. 403 SIMULATION_CLOCK_DISABLED unless SIMULATION_CLOCK_ENABLED.' })
  @ApiOkResponse({ type: SimulationClockDto })
  @ApiForbiddenResponse({ description: 'SIMULATION_CLOCK_DISABLED' })
  read(): SimulationClockDto {
    const { now, offsetSeconds } = this.clocks.read();
    return { now: now.toISOString(), offsetSeconds };
  }

  @Put()
  @Roles(Role.Admin)
  @ApiOperation({ summary: '设置模拟时钟', description: 'Sets the scan clock (it then runs at the real pace). Idempotent. 403 SIMULATION_CLOCK_DISABLED unless SIMULATION_CLOCK_ENABLED.' })
  @ApiOkResponse({ type: SimulationClockDto })
  @ApiForbiddenResponse({ description: 'SIMULATION_CLOCK_DISABLED' })
  set(@Body() body: SetSimulationClockDto): SimulationClockDto {
    const { now, offsetSeconds } = this.clocks.set(new Date(body.now));
    return { now: now.toISOString(), offsetSeconds };
  }
}
