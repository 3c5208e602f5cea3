/** Names for the synthetic district. They are made up; any likeness to a real place in
 * the chosen city is a coincidence of common Chinese place-name words. */

export interface BilingualName {
  readonly zh: string;
  readonly en: string;
}

export const DISTRICT = {
  /** Unused county-level code under Hangzhou (3301xx); no real district has it. */
  divisionCode: "330199",
  name: { zh: "钱湾区", en: "Qianwan District" },
  /** Where the district is placed: the east of Hangzhou, Zhejiang. */
  originLon: 120.3,
  originLat: 30.3,
} as const;

export const STREET_NAMES: readonly BilingualName[] = [
  { zh: "明珠街道", en: "Mingzhu Subdistrict" },
  { zh: "文澜街道", en: "Wenlan Subdistrict" },
  { zh: "新湾街道", en: "Xinwan Subdistrict" },
  { zh: "江涛街道", en: "Jiangtao Subdistrict" },
  { zh: "春晓街道", en: "Chunxiao Subdistrict" },
  { zh: "云帆街道", en: "Yunfan Subdistrict" },
  { zh: "望潮街道", en: "Wangchao Subdistrict" },
  { zh: "观澜街道", en: "Guanlan Subdistrict" },
];

const COMMUNITY_STEMS: readonly [string, string][] = [
  ["和园", "Heyuan"],
  ["翠苑", "Cuiyuan"],
  ["锦绣", "Jinxiu"],
  ["金桥", "Jinqiao"],
  ["望江", "Wangjiang"],
  ["兰亭", "Lanting"],
  ["枫林", "Fenglin"],
  ["星河", "Xinghe"],
  ["景湖", "Jinghu"],
  ["玉泉", "Yuquan"],
  ["东方", "Dongfang"],
  ["润泽", "Runze"],
  ["青荷", "Qinghe"],
  ["桂花", "Guihua"],
  ["长桥", "Changqiao"],
  ["永安", "Yong'an"],
  ["嘉禾", "Jiahe"],
  ["丰收", "Fengshou"],
  ["海棠", "Haitang"],
  ["梧桐", "Wutong"],
  ["清波", "Qingbo"],
  ["阳光", "Yangguang"],
  ["银湖", "Yinhu"],
  ["德胜", "Desheng"],
  ["康乐", "Kangle"],
  ["凤凰", "Fenghuang"],
  ["紫荆", "Zijing"],
  ["梅苑", "Meiyuan"],
  ["竹园", "Zhuyuan"],
  ["秀水", "Xiushui"],
  ["安澜", "Anlan"],
  ["畅和", "Changhe"],
  ["晨曦", "Chenxi"],
  ["华庭", "Huating"],
  ["芳草", "Fangcao"],
  ["沁园", "Qinyuan"],
  ["新塘", "Xintang"],
  ["湖畔", "Hupan"],
  ["朝晖", "Zhaohui"],
  ["文晖", "Wenhui"],
];

export const COMMUNITY_NAMES: readonly BilingualName[] = COMMUNITY_STEMS.map(([zh, en]) => ({
  zh: `${zh}社区`,
  en: `${en} Community`,
}));

export function gridName(ordinal: number): BilingualName {
  return { zh: `第${ordinal}网格`, en: `Grid ${ordinal}` };
}

/** Kinds of places a grid camera typically watches. */
export const CAMERA_SPOTS: readonly BilingualName[] = [
  { zh: "路口", en: "Junction" },
  { zh: "小区出入口", en: "Residential gate" },
  { zh: "学校周边", en: "School perimeter" },
  { zh: "商业街", en: "Shopping street" },
  { zh: "公园", en: "Park" },
  { zh: "停车场", en: "Car park" },
  { zh: "广场", en: "Square" },
  { zh: "河道", en: "Riverside" },
  { zh: "公交站", en: "Bus stop" },
  { zh: "农贸市场", en: "Market" },
];
