// Tool group with OHIF-style mouse bindings (left W/L, middle pan, right zoom,
// wheel slice scroll); the crosshair toggle frees the left button.
import {
  Enums as ToolEnums,
  PanTool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';
import type { Engine } from './viewports';

const { MouseBindings } = ToolEnums;

let groupSerial = 0;

export interface Tools {
  group: ToolTypes.IToolGroup;
  crosshairOn(): boolean;
  setCrosshair(on: boolean): void;
  destroy(): void;
}

export function createTools(eng: Engine): Tools {
  const groupId = `vcf-tools-${++groupSerial}`;
  const group = ToolGroupManager.createToolGroup(groupId);
  if (!group) throw new Error('Could not create the Cornerstone tool group.');

  group.addTool(WindowLevelTool.toolName);
  group.addTool(PanTool.toolName);
  group.addTool(ZoomTool.toolName);
  group.addTool(StackScrollTool.toolName);

  group.addViewport(eng.ids.sagittal, eng.engine.id);
  group.addViewport(eng.ids.axial, eng.engine.id);

  const setDefaultBindings = () => {
    group.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  };
  setDefaultBindings();
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });

  let crosshair = false;
  return {
    group,
    crosshairOn: () => crosshair,
    setCrosshair(on: boolean) {
      if (on === crosshair) return;
      crosshair = on;
      // As in OHIF, the crosshair takes the primary button (see crosshair.ts);
      // W/L comes back when it is off.
      if (on) group.setToolPassive(WindowLevelTool.toolName);
      else setDefaultBindings();
    },
    destroy() {
      ToolGroupManager.destroyToolGroup(groupId);
    },
  };
}
